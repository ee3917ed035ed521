// SRTP's ciphers and its HMAC on OpenSSL, plugged into libsrtp2 through its public replace API.
//
// Debian builds libsrtp2 against NSS, whose PKCS#11 layer allocates inside every cipher call (10 allocations per
// AES-GCM protect + unprotect, 28 for AES-CM + HMAC-SHA1) and costs 2-5x the CPU of OpenSSL's AES-NI code. These
// types keep one EVP context per libsrtp cipher, re-keyed with a new IV per packet, so a packet allocates nothing.
// HMAC-SHA1 uses the low-level SHA-1 (deprecated in OpenSSL 3 but kept) because EVP_MAC re-initialisation
// duplicates a digest context, an allocation per packet; the inner and outer pads are hashed once per key.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "CChorusSRTPCrypto.h"
#include <stdlib.h>
#include <string.h>
#include <srtp2/srtp.h>
#include <srtp2/cipher.h>
#include <srtp2/auth.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#define GCM_SALT 12

static EVP_CIPHER *aes128ctr;
static EVP_CIPHER *aes128gcm;

typedef struct {
    EVP_CIPHER_CTX *ctx;
    uint8_t offset[16];
} icm_state;

typedef struct {
    EVP_CIPHER_CTX *ctx;
    int tag_len;
    int encrypting;
} gcm_state;

typedef struct {
    SHA_CTX inner_base, outer_base, working;
} hmac_state;

extern const srtp_cipher_type_t chorus_aes_icm_128;
extern const srtp_cipher_type_t chorus_aes_gcm_128;
extern const srtp_auth_type_t chorus_hmac_sha1;

// ---- What the two ciphers share: a state that starts with its EVP context ----

// Allocates a cipher of `type` whose state (`state_size` bytes) starts with an `EVP_CIPHER_CTX *`; returns the
// state, or NULL with nothing allocated.
static void *cipher_alloc(srtp_cipher_pointer_t *cp, size_t state_size, const srtp_cipher_type_t *type, int key_len,
                          srtp_cipher_type_id_t algorithm) {
    srtp_cipher_t *c = calloc(1, sizeof(srtp_cipher_t));
    void *s = calloc(1, state_size);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!c || !s || !ctx) { free(c); free(s); EVP_CIPHER_CTX_free(ctx); return NULL; }
    *(EVP_CIPHER_CTX **)s = ctx;
    c->type = type;
    c->state = s;
    c->key_len = key_len;
    c->algorithm = algorithm;
    *cp = c;
    return s;
}

// Frees what `cipher_alloc` made, the key schedule wiped first.
static srtp_err_status_t cipher_dealloc(srtp_cipher_pointer_t c, size_t state_size) {
    void *s = c->state;
    if (s) {
        EVP_CIPHER_CTX_free(*(EVP_CIPHER_CTX **)s);
        OPENSSL_cleanse(s, state_size);
        free(s);
    }
    free(c);
    return srtp_err_status_ok;
}

// ---- AES-128 counter mode (RFC 3711 §4.1.1) ----

static srtp_err_status_t icm_alloc(srtp_cipher_pointer_t *cp, int key_len, int tag_len) {
    (void)tag_len;
    if (key_len != SRTP_AES_ICM_128_KEY_LEN_WSALT) return srtp_err_status_bad_param;
    icm_state *s = cipher_alloc(cp, sizeof(icm_state), &chorus_aes_icm_128, key_len, SRTP_AES_ICM_128);
    return s ? srtp_err_status_ok : srtp_err_status_alloc_fail;
}

static srtp_err_status_t icm_dealloc(srtp_cipher_pointer_t c) { return cipher_dealloc(c, sizeof(icm_state)); }

static srtp_err_status_t icm_init(void *state, const uint8_t *key) {
    icm_state *s = state;
    memset(s->offset, 0, sizeof(s->offset));
    memcpy(s->offset, key + SRTP_AES_128_KEY_LEN, SRTP_SALT_LEN);  // the last two octets stay zero
    if (!EVP_EncryptInit_ex(s->ctx, aes128ctr, NULL, key, NULL)) return srtp_err_status_init_fail;
    return srtp_err_status_ok;
}

static srtp_err_status_t icm_set_iv(void *state, uint8_t *iv, srtp_cipher_direction_t direction) {
    (void)direction;
    icm_state *s = state;
    uint8_t counter[16];
    for (int i = 0; i < 16; i++) counter[i] = s->offset[i] ^ iv[i];
    if (!EVP_EncryptInit_ex(s->ctx, NULL, NULL, NULL, counter)) return srtp_err_status_init_fail;
    return srtp_err_status_ok;
}

static srtp_err_status_t icm_encrypt(void *state, uint8_t *buffer, unsigned int *length) {
    icm_state *s = state;
    int out = 0;
    if (*length > INT32_MAX || !EVP_EncryptUpdate(s->ctx, buffer, &out, buffer, (int)*length))
        return srtp_err_status_cipher_fail;
    *length = (unsigned int)out;
    return srtp_err_status_ok;
}

// ---- AEAD_AES_128_GCM (RFC 7714) ----

static srtp_err_status_t gcm_alloc(srtp_cipher_pointer_t *cp, int key_len, int tag_len) {
    if (key_len != SRTP_AES_GCM_128_KEY_LEN_WSALT || (tag_len != 16 && tag_len != 8))
        return srtp_err_status_bad_param;
    gcm_state *s = cipher_alloc(cp, sizeof(gcm_state), &chorus_aes_gcm_128, key_len, SRTP_AES_GCM_128);
    if (!s) return srtp_err_status_alloc_fail;
    s->tag_len = tag_len;
    return srtp_err_status_ok;
}

static srtp_err_status_t gcm_dealloc(srtp_cipher_pointer_t c) { return cipher_dealloc(c, sizeof(gcm_state)); }

static srtp_err_status_t gcm_init(void *state, const uint8_t *key) {
    gcm_state *s = state;
    // The salt (the key's last 12 octets) is libsrtp's to XOR into the IV; the cipher takes the key alone.
    if (!EVP_CipherInit_ex(s->ctx, aes128gcm, NULL, key, NULL, 1)) return srtp_err_status_init_fail;
    return srtp_err_status_ok;
}

static srtp_err_status_t gcm_set_iv(void *state, uint8_t *iv, srtp_cipher_direction_t direction) {
    gcm_state *s = state;
    if (direction != srtp_direction_encrypt && direction != srtp_direction_decrypt) return srtp_err_status_bad_param;
    s->encrypting = direction == srtp_direction_encrypt;
    if (!EVP_CipherInit_ex(s->ctx, NULL, NULL, NULL, iv, s->encrypting)) return srtp_err_status_init_fail;
    return srtp_err_status_ok;
}

static srtp_err_status_t gcm_set_aad(void *state, const uint8_t *aad, uint32_t length) {
    gcm_state *s = state;
    int out = 0;
    if (length > INT32_MAX || !EVP_CipherUpdate(s->ctx, NULL, &out, aad, (int)length)) return srtp_err_status_algo_fail;
    return srtp_err_status_ok;
}

static srtp_err_status_t gcm_encrypt(void *state, uint8_t *buffer, unsigned int *length) {
    gcm_state *s = state;
    int out = 0;
    if (!s->encrypting || *length > INT32_MAX || !EVP_CipherUpdate(s->ctx, buffer, &out, buffer, (int)*length))
        return srtp_err_status_cipher_fail;
    return srtp_err_status_ok;
}

static srtp_err_status_t gcm_get_tag(void *state, uint8_t *tag, uint32_t *length) {
    gcm_state *s = state;
    int out = 0;
    uint8_t none[16];
    if (!EVP_CipherFinal_ex(s->ctx, none, &out)) return srtp_err_status_algo_fail;
    if (!EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_GET_TAG, s->tag_len, tag)) return srtp_err_status_algo_fail;
    *length = (uint32_t)s->tag_len;
    return srtp_err_status_ok;
}

// `length` covers the ciphertext and the tag after it; on success it shrinks to the plaintext.
static srtp_err_status_t gcm_decrypt(void *state, uint8_t *buffer, unsigned int *length) {
    gcm_state *s = state;
    int out = 0;
    if (s->encrypting || *length < (unsigned int)s->tag_len || *length > INT32_MAX) return srtp_err_status_bad_param;
    int body = (int)*length - s->tag_len;
    if (!EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_SET_TAG, s->tag_len, buffer + body)) return srtp_err_status_auth_fail;
    if (!EVP_CipherUpdate(s->ctx, buffer, &out, buffer, body)) return srtp_err_status_auth_fail;
    uint8_t none[16];
    if (EVP_CipherFinal_ex(s->ctx, none, &out) <= 0) return srtp_err_status_auth_fail;
    *length = (unsigned int)body;
    return srtp_err_status_ok;
}

// ---- HMAC-SHA1 (RFC 2104), inner and outer pads hashed once per key ----

static srtp_err_status_t hmac_alloc(srtp_auth_pointer_t *ap, int key_len, int out_len) {
    if (out_len > SHA_DIGEST_LENGTH || key_len > 64) return srtp_err_status_bad_param;
    srtp_auth_t *a = calloc(1, sizeof(srtp_auth_t));
    hmac_state *s = calloc(1, sizeof(hmac_state));
    if (!a || !s) { free(a); free(s); return srtp_err_status_alloc_fail; }
    a->type = &chorus_hmac_sha1;
    a->state = s;
    a->out_len = out_len;
    a->key_len = key_len;
    a->prefix_len = 0;
    *ap = a;
    return srtp_err_status_ok;
}

static srtp_err_status_t hmac_dealloc(srtp_auth_pointer_t a) {
    if (a->state) {
        OPENSSL_cleanse(a->state, sizeof(hmac_state));
        free(a->state);
    }
    free(a);
    return srtp_err_status_ok;
}

static srtp_err_status_t hmac_init(void *state, const uint8_t *key, int key_len) {
    hmac_state *s = state;
    uint8_t pad[64];
    if (key_len < 0 || key_len > 64) return srtp_err_status_bad_param;
    memset(pad, 0x36, sizeof(pad));
    for (int i = 0; i < key_len; i++) pad[i] ^= key[i];
    SHA1_Init(&s->inner_base);
    SHA1_Update(&s->inner_base, pad, sizeof(pad));
    memset(pad, 0x5c, sizeof(pad));
    for (int i = 0; i < key_len; i++) pad[i] ^= key[i];
    SHA1_Init(&s->outer_base);
    SHA1_Update(&s->outer_base, pad, sizeof(pad));
    OPENSSL_cleanse(pad, sizeof(pad));
    s->working = s->inner_base;
    return srtp_err_status_ok;
}

static srtp_err_status_t hmac_start(void *state) {
    hmac_state *s = state;
    s->working = s->inner_base;
    return srtp_err_status_ok;
}

static srtp_err_status_t hmac_update(void *state, const uint8_t *message, int length) {
    hmac_state *s = state;
    if (length < 0) return srtp_err_status_bad_param;
    SHA1_Update(&s->working, message, (size_t)length);
    return srtp_err_status_ok;
}

static srtp_err_status_t hmac_compute(void *state, const uint8_t *message, int length, int tag_len, uint8_t *tag) {
    hmac_state *s = state;
    uint8_t digest[SHA_DIGEST_LENGTH];
    if (length < 0 || tag_len < 0 || tag_len > SHA_DIGEST_LENGTH) return srtp_err_status_bad_param;
    SHA1_Update(&s->working, message, (size_t)length);
    SHA1_Final(digest, &s->working);
    SHA_CTX outer = s->outer_base;
    SHA1_Update(&outer, digest, sizeof(digest));
    SHA1_Final(digest, &outer);
    memcpy(tag, digest, (size_t)tag_len);
    return srtp_err_status_ok;
}

// ---- Known answers the replacements must give before libsrtp takes them ----

// RFC 3711 Appendix B.2: AES-CM keystream for session key 2B7E…4F3C and salt F0F1…FCFD.
static const uint8_t icm_key[30] = {
    0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd};
static uint8_t icm_index[16];
static const uint8_t icm_zeros[32];
static const uint8_t icm_keystream[32] = {
    0xe0, 0x3e, 0xad, 0x09, 0x35, 0xc9, 0x5e, 0x80, 0xe1, 0x66, 0xb1, 0x6d, 0xd9, 0x2b, 0x4e, 0xb4,
    0xd2, 0x35, 0x13, 0x16, 0x2b, 0x02, 0xd0, 0xf7, 0x2a, 0x43, 0xa2, 0xfe, 0x4a, 0x5f, 0x97, 0xab};
static const srtp_cipher_test_case_t icm_known_answer = {
    30, icm_key, icm_index, 32, icm_zeros, 32, icm_keystream, 0, NULL, 0, NULL};

// The GCM specification's test case 4 (McGrew & Viega), AES-128 with AAD; libsrtp's key carries a 12-octet salt.
static const uint8_t gcm_key[28] = {
    0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c};
static uint8_t gcm_iv[12] = {0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88};
static const uint8_t gcm_plaintext[60] = {
    0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5, 0xa5, 0x59, 0x09, 0xc5, 0xaf, 0xf5, 0x26, 0x9a,
    0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda, 0x2e, 0x4c, 0x30, 0x3d, 0x8a, 0x31, 0x8a, 0x72,
    0x1c, 0x3c, 0x0c, 0x95, 0x95, 0x68, 0x09, 0x53, 0x2f, 0xcf, 0x0e, 0x24, 0x49, 0xa6, 0xb5, 0x25,
    0xb1, 0x6a, 0xed, 0xf5, 0xaa, 0x0d, 0xe6, 0x57, 0xba, 0x63, 0x7b, 0x39};
static const uint8_t gcm_aad[20] = {
    0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef,
    0xab, 0xad, 0xda, 0xd2};
static const uint8_t gcm_ciphertext[76] = {
    0x42, 0x83, 0x1e, 0xc2, 0x21, 0x77, 0x74, 0x24, 0x4b, 0x72, 0x21, 0xb7, 0x84, 0xd0, 0xd4, 0x9c,
    0xe3, 0xaa, 0x21, 0x2f, 0x2c, 0x02, 0xa4, 0xe0, 0x35, 0xc1, 0x7e, 0x23, 0x29, 0xac, 0xa1, 0x2e,
    0x21, 0xd5, 0x14, 0xb2, 0x54, 0x66, 0x93, 0x1c, 0x7d, 0x8f, 0x6a, 0x5a, 0xac, 0x84, 0xaa, 0x05,
    0x1b, 0xa3, 0x0b, 0x39, 0x6a, 0x0a, 0xac, 0x97, 0x3d, 0x58, 0xe0, 0x91,
    0x5b, 0xc9, 0x4f, 0xbc, 0x32, 0x21, 0xa5, 0xdb, 0x94, 0xfa, 0xe9, 0x5a, 0xe7, 0x12, 0x1a, 0x47};
static const srtp_cipher_test_case_t gcm_known_answer_8 = {
    28, gcm_key, gcm_iv, 60, gcm_plaintext, 68, gcm_ciphertext, 20, gcm_aad, 8, NULL};
static const srtp_cipher_test_case_t gcm_known_answer = {
    28, gcm_key, gcm_iv, 60, gcm_plaintext, 76, gcm_ciphertext, 20, gcm_aad, 16, &gcm_known_answer_8};

// RFC 2202 test case 1.
static const uint8_t hmac_key[20] = {
    0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
    0x0b, 0x0b, 0x0b, 0x0b};
static const uint8_t hmac_data[8] = {'H', 'i', ' ', 'T', 'h', 'e', 'r', 'e'};
static const uint8_t hmac_tag[20] = {
    0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b, 0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e,
    0xf1, 0x46, 0xbe, 0x00};
static const srtp_auth_test_case_t hmac_known_answer = {20, hmac_key, 8, hmac_data, 20, hmac_tag, NULL};

const srtp_cipher_type_t chorus_aes_icm_128 = {
    icm_alloc, icm_dealloc, icm_init, NULL, icm_encrypt, icm_encrypt, icm_set_iv, NULL,
    "AES-128 counter mode (Chorus, OpenSSL EVP)", &icm_known_answer, SRTP_AES_ICM_128};
const srtp_cipher_type_t chorus_aes_gcm_128 = {
    gcm_alloc, gcm_dealloc, gcm_init, gcm_set_aad, gcm_encrypt, gcm_decrypt, gcm_set_iv, gcm_get_tag,
    "AES-128 GCM (Chorus, OpenSSL EVP)", &gcm_known_answer, SRTP_AES_GCM_128};
const srtp_auth_type_t chorus_hmac_sha1 = {
    hmac_alloc, hmac_dealloc, hmac_init, hmac_compute, hmac_update, hmac_start,
    "HMAC-SHA1 (Chorus, OpenSSL)", &hmac_known_answer, SRTP_HMAC_SHA1};

int chorus_srtp_use_openssl(void) {
    if (!aes128ctr) aes128ctr = EVP_CIPHER_fetch(NULL, "AES-128-CTR", NULL);
    if (!aes128gcm) aes128gcm = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
    if (!aes128ctr || !aes128gcm) return -1;
    srtp_err_status_t status;
    if ((status = srtp_replace_cipher_type(&chorus_aes_icm_128, SRTP_AES_ICM_128))) return (int)status;
    if ((status = srtp_replace_cipher_type(&chorus_aes_gcm_128, SRTP_AES_GCM_128))) return 100 + (int)status;
    if ((status = srtp_replace_auth_type(&chorus_hmac_sha1, SRTP_HMAC_SHA1))) return 200 + (int)status;
    return 0;
}
