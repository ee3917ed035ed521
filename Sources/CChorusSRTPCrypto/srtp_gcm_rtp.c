// SRTP for RTP with AEAD_AES_128_GCM (RFC 7714), one direction of one call in one allocation.
//
// libsrtp reaches a packet's keys through its session, a stream list, the stream, the cipher and its state before
// OpenSSL's context: at a thousand calls each is a cache miss per packet, and together they cost more than the
// cipher. This keeps what a direction needs in one block: the AES key schedule and GHASH key (`aes_gcm.c`, on the
// CPU's AES instructions), the session salt, the packet index and replay window. Without those instructions the
// block holds an OpenSSL EVP context keyed once instead. libsrtp still does SRTCP and the AES-CM/HMAC-SHA1 profile;
// the tests check every packet here against libsrtp in both directions (indices, roll-over, replays, tampering),
// with both ciphers.
#include "CChorusSRTPCrypto.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#define KEY_LEN 16
#define SALT_LEN 12
#define TAG_LEN 16
#define WINDOW 128
#define MAX_LENGTH 65535  // a UDP datagram's payload cannot be longer

// One SSRC's packet indices.
typedef struct {
    uint32_t ssrc;        // as on the wire (network order)
    uint64_t index;       // highest packet index seen: roll-over counter << 16 | sequence number
    uint64_t window[2];   // bit i of the 128: index - i was seen (bit 0 of window[0] is `index` itself)
} stream;

// What every packet touches comes first and together (the key, then the salt and the call's own stream: five
// cache lines from the start of the block), so that a packet of a call last served 20 ms ago finds it in as few
// misses as the memory system can prefetch.
struct chorus_srtp_gcm {
    chorus_aes_gcm_key key;
    int encrypting;
    int streams;          // how many of `stream` are in use; the first is the call's own, next to the keys
    uint8_t salt[SALT_LEN];
    EVP_CIPHER_CTX *ctx;  // only when the CPU lacks the instructions `key` is for
    stream stream[CHORUS_SRTP_GCM_STREAMS];
    uint64_t refused[8];  // packets refused, by status
};

// RFC 3711 §4.3.3: the AES-CM PRF keyed with the master key; `x` is the master salt (padded to 14 octets with
// zeros, as RFC 7714 §11 has a 96-bit salt) with the label XORed into its eighth octet, times 2^16.
static int derive(const uint8_t *master_key, const uint8_t *master_salt, uint8_t label, uint8_t *out, int length) {
    uint8_t iv[16] = {0};
    memcpy(iv, master_salt, SALT_LEN);
    iv[7] ^= label;
    uint8_t zeros[32] = {0};
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0;
    int ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), NULL, master_key, iv) &&
             EVP_EncryptUpdate(ctx, out, &n, zeros, length) && n == length;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

chorus_srtp_gcm *chorus_srtp_gcm_new(const uint8_t *master_key, const uint8_t *master_salt, int encrypting) {
    return chorus_srtp_gcm_new_with(master_key, master_salt, encrypting, 1);
}

chorus_srtp_gcm *chorus_srtp_gcm_new_with(const uint8_t *master_key, const uint8_t *master_salt, int encrypting,
                                          int cpu_instructions) {
    // Cache-line aligned, so that the first lines hold what every packet needs.
    size_t size = (sizeof(chorus_srtp_gcm) + 63) & ~(size_t)63;
    chorus_srtp_gcm *s = aligned_alloc(64, size);
    if (!s) return NULL;
    memset(s, 0, size);
    uint8_t key[KEY_LEN];
    s->encrypting = encrypting ? 1 : 0;
    int ok = derive(master_key, master_salt, 0x00, key, KEY_LEN) &&
             derive(master_key, master_salt, 0x02, s->salt, SALT_LEN);
    if (ok && cpu_instructions && chorus_aes_gcm_available()) {
        chorus_aes_gcm_init(&s->key, key);
    } else if (ok) {
        s->ctx = EVP_CIPHER_CTX_new();
        ok = s->ctx && EVP_CipherInit_ex(s->ctx, EVP_aes_128_gcm(), NULL, key, NULL, s->encrypting);
    }
    OPENSSL_cleanse(key, sizeof(key));
    if (!ok) {
        chorus_srtp_gcm_free(s);
        return NULL;
    }
    return s;
}

int chorus_srtp_gcm_uses_cpu_instructions(const chorus_srtp_gcm *s) { return s->ctx == NULL; }

void chorus_srtp_gcm_free(chorus_srtp_gcm *s) {
    if (!s) return;
    EVP_CIPHER_CTX_free(s->ctx);
    OPENSSL_cleanse(s, sizeof(*s));
    free(s);
}

// The RTP header's length (fixed part, CSRCs, extension), or 0 when `length` cannot hold it.
static size_t header_length(const uint8_t *p, size_t length) {
    if (length < 12 || (p[0] >> 6) != 2) return 0;
    size_t h = 12 + 4 * (size_t)(p[0] & 0x0F);
    if (p[0] & 0x10) {
        if (length < h + 4) return 0;
        h += 4 + 4 * (((size_t)p[h + 2] << 8) | p[h + 3]);
    }
    return h <= length ? h : 0;
}

// The stream of the packet's SSRC; a fresh one in `scratch` (`*fresh` set, not yet kept) when the SSRC is new, NULL
// when no slot is left.
static stream *find(chorus_srtp_gcm *s, const uint8_t *packet, stream *scratch, int *fresh) {
    uint32_t ssrc;
    memcpy(&ssrc, packet + 8, 4);
    *fresh = 0;
    for (int i = 0; i < s->streams; i++)
        if (s->stream[i].ssrc == ssrc) return &s->stream[i];
    if (s->streams == CHORUS_SRTP_GCM_STREAMS) return NULL;
    memset(scratch, 0, sizeof(*scratch));
    scratch->ssrc = ssrc;
    *fresh = 1;
    return scratch;
}

// RFC 3711 §3.3.1: the packet index a sequence number most likely has, next to the highest seen (libsrtp's rule:
// until the highest index passes 2^15, the roll-over counter is taken to be 0).
static uint64_t estimate(const stream *t, uint16_t seq) {
    if (t->index <= 0x8000) return seq;
    uint64_t roc = t->index >> 16;
    uint32_t last = (uint32_t)(t->index & 0xFFFF);
    if (last < 0x8000) {
        if ((uint32_t)seq > last + 0x8000) roc -= 1;
    } else if (last - 0x8000 > (uint32_t)seq) {
        roc += 1;
    }
    return (roc << 16) | seq;
}

// 0 when `index` is new to the stream; the replay status otherwise.
static int check(const stream *t, int fresh, uint64_t index) {
    if (fresh || index > t->index) return CHORUS_SRTP_OK;
    uint64_t back = t->index - index;
    if (back >= WINDOW) return CHORUS_SRTP_REPLAY_OLD;
    return (t->window[back / 64] >> (back % 64)) & 1 ? CHORUS_SRTP_REPLAY : CHORUS_SRTP_OK;
}

// Marks `index` seen, once the packet is good; a new stream takes its slot only now, so packets that fail
// authentication cannot use up the slots.
static void record(chorus_srtp_gcm *s, stream *t, int fresh, uint64_t index) {
    if (fresh) {
        stream *kept = &s->stream[s->streams++];
        *kept = *t;
        kept->index = index;
        kept->window[0] = 1;
        kept->window[1] = 0;
        return;
    }
    if (index > t->index) {
        uint64_t shift = index - t->index;
        if (shift >= WINDOW) {
            t->window[0] = t->window[1] = 0;
        } else if (shift >= 64) {
            t->window[1] = t->window[0] << (shift - 64);
            t->window[0] = 0;
        } else {
            t->window[1] = (t->window[1] << shift) | (t->window[0] >> (64 - shift));
            t->window[0] <<= shift;
        }
        t->window[0] |= 1;
        t->index = index;
    } else {
        uint64_t back = t->index - index;
        t->window[back / 64] |= (uint64_t)1 << (back % 64);
    }
}

// RFC 7714 §8.1: 00 00 || SSRC || ROC || SEQ, XORed with the session salt.
static void make_iv(const chorus_srtp_gcm *s, const uint8_t *packet, uint64_t index, uint8_t *iv) {
    uint32_t roc = (uint32_t)(index >> 16);
    iv[0] = 0;
    iv[1] = 0;
    memcpy(iv + 2, packet + 8, 4);
    iv[6] = (uint8_t)(roc >> 24);
    iv[7] = (uint8_t)(roc >> 16);
    iv[8] = (uint8_t)(roc >> 8);
    iv[9] = (uint8_t)roc;
    iv[10] = packet[2];
    iv[11] = packet[3];
    for (int i = 0; i < SALT_LEN; i++) iv[i] ^= s->salt[i];
}

// What a packet is sealed or opened with: its stream (a fresh one in `scratch` when its SSRC is new), its index and
// its IV. Not to be copied: `stream` may point into it.
typedef struct {
    stream scratch;
    stream *stream;
    int fresh;
    uint64_t index;
    uint8_t iv[SALT_LEN];
} packet_keys;

// Fills `k` for the packet; CHORUS_SRTP_OK, or why the packet is refused (no slot for its SSRC, a replay).
static int prepare(chorus_srtp_gcm *s, const uint8_t *packet, packet_keys *k) {
    k->stream = find(s, packet, &k->scratch, &k->fresh);
    if (!k->stream) return CHORUS_SRTP_TOO_MANY_STREAMS;
    k->index = estimate(k->stream, (uint16_t)((packet[2] << 8) | packet[3]));
    int replay = check(k->stream, k->fresh, k->index);
    if (replay) return replay;
    make_iv(s, packet, k->index, k->iv);
    return CHORUS_SRTP_OK;
}

// Seals `length` octets at `packet` (header `h` octets, the AAD) and writes the tag after them; 0 when OpenSSL
// refuses a call.
static int seal(chorus_srtp_gcm *s, const uint8_t *iv, uint8_t *packet, size_t h, size_t length) {
    if (!s->ctx) {
        chorus_aes_gcm_seal(&s->key, iv, packet, h, packet + h, length - h, packet + length);
        return 1;
    }
    int n = 0;
    uint8_t none[16];
    return EVP_EncryptInit_ex(s->ctx, NULL, NULL, NULL, iv) && EVP_EncryptUpdate(s->ctx, NULL, &n, packet, (int)h) &&
           EVP_EncryptUpdate(s->ctx, packet + h, &n, packet + h, (int)(length - h)) &&
           EVP_EncryptFinal_ex(s->ctx, none, &n) &&
           EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, packet + length);
}

// Opens `body` octets at `packet` (header `h` octets) against the tag after them, decrypting in place before the
// tag is known good: on failure the payload is garbage, and the caller drops it.
static int open_sealed(chorus_srtp_gcm *s, const uint8_t *iv, uint8_t *packet, size_t h, size_t body) {
    if (!s->ctx) {
        return chorus_aes_gcm_open(&s->key, iv, packet, h, packet + h, body - h, packet + body)
                   ? CHORUS_SRTP_OK
                   : CHORUS_SRTP_AUTH_FAILED;
    }
    int n = 0;
    uint8_t none[16];
    if (!EVP_DecryptInit_ex(s->ctx, NULL, NULL, NULL, iv) || !EVP_DecryptUpdate(s->ctx, NULL, &n, packet, (int)h) ||
        !EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, packet + body))
        return CHORUS_SRTP_CIPHER_FAILED;
    if (!EVP_DecryptUpdate(s->ctx, packet + h, &n, packet + h, (int)(body - h)) ||
        EVP_DecryptFinal_ex(s->ctx, none, &n) <= 0)
        return CHORUS_SRTP_AUTH_FAILED;
    return CHORUS_SRTP_OK;
}

static int protect(chorus_srtp_gcm *s, uint8_t *packet, size_t length, size_t *out_length) {
    size_t h = header_length(packet, length);
    if (!s->encrypting || h == 0 || length > MAX_LENGTH) return CHORUS_SRTP_MALFORMED;
    packet_keys k;
    int status = prepare(s, packet, &k);
    if (status) return status;
    if (!seal(s, k.iv, packet, h, length)) return CHORUS_SRTP_CIPHER_FAILED;
    record(s, k.stream, k.fresh, k.index);
    *out_length = length + TAG_LEN;
    return CHORUS_SRTP_OK;
}

static int unprotect(chorus_srtp_gcm *s, uint8_t *packet, size_t length, size_t *out_length) {
    size_t h = header_length(packet, length);
    if (s->encrypting || h == 0 || length < h + TAG_LEN || length > MAX_LENGTH) return CHORUS_SRTP_MALFORMED;
    packet_keys k;
    int status = prepare(s, packet, &k);
    if (status) return status;
    size_t body = length - TAG_LEN;
    status = open_sealed(s, k.iv, packet, h, body);
    if (status) return status;
    record(s, k.stream, k.fresh, k.index);
    *out_length = body;
    return CHORUS_SRTP_OK;
}

int chorus_srtp_gcm_protect(chorus_srtp_gcm *s, uint8_t *packet, size_t length, size_t *out_length) {
    int status = protect(s, packet, length, out_length);
    if (status) s->refused[status]++;
    return status;
}

int chorus_srtp_gcm_unprotect(chorus_srtp_gcm *s, uint8_t *packet, size_t length, size_t *out_length) {
    int status = unprotect(s, packet, length, out_length);
    if (status) s->refused[status]++;
    return status;
}

void chorus_srtp_gcm_prefetch(const chorus_srtp_gcm *s) {
    chorus_prefetch(s, offsetof(chorus_srtp_gcm, stream) + sizeof(stream));
}

uint64_t chorus_srtp_gcm_refused(const chorus_srtp_gcm *s, int status) {
    return status > 0 && status < 8 ? s->refused[status] : 0;
}
