// AES-128-GCM (NIST SP 800-38D) on the CPU's AES and carry-less multiply instructions, with the key schedule and
// hash key in a block the caller places.
//
// OpenSSL's EVP does the same arithmetic with the same instructions, but keeps the key schedule, the GHASH table,
// the cipher context and its provider context in four allocations of its own and passes every packet's IV and tag
// through a parameter lookup. For one small packet of one of a thousand calls, what that costs is the cache misses
// and the lookups, not the cipher: here the key lives next to the packet indices it is used with, and a packet
// is one call. Multiplication in GF(2^128) follows Gueron and Kounavis, "Intel Carry-Less Multiplication
// Instruction and its Usage for Computing the GCM Mode" (rev. 2.02, 2014), Algorithm 5, on byte-reversed blocks.
// The tests hold it to the specification's test vectors and to OpenSSL on random keys, IVs and lengths.
#include "CChorusSRTPCrypto.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

#define TARGET __attribute__((target("aes,pclmul,sse4.1,ssse3")))

static int cpu_has_instructions(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    // ECX: PCLMULQDQ (bit 1), SSSE3 (9), SSE4.1 (19), AES (25).
    const unsigned needed = (1u << 1) | (1u << 9) | (1u << 19) | (1u << 25);
    return (c & needed) == needed;
}

int chorus_aes_gcm_available(void) {
    // CPUID leaves a virtual machine for its hypervisor, microseconds each: asked once, not per call.
    static _Atomic int known = -1;
    int answer = known;
    if (answer < 0) known = answer = cpu_has_instructions();
    return answer;
}

#define EXPAND(previous, rcon) expand_step(previous, _mm_aeskeygenassist_si128(previous, rcon))

TARGET static inline __m128i expand_step(__m128i key, __m128i assist) {
    assist = _mm_shuffle_epi32(assist, 0xFF);
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    return _mm_xor_si128(key, assist);
}

TARGET static inline __m128i encrypt_block(const __m128i *rk, __m128i block) {
    block = _mm_xor_si128(block, rk[0]);
    for (int i = 1; i < 10; i++) block = _mm_aesenc_si128(block, rk[i]);
    return _mm_aesenclast_si128(block, rk[10]);
}

// Four counter blocks at once: the rounds of one block wait on each other, those of four do not.
TARGET static inline void encrypt_four(const __m128i *rk, __m128i *b) {
    for (int j = 0; j < 4; j++) b[j] = _mm_xor_si128(b[j], rk[0]);
    for (int i = 1; i < 10; i++)
        for (int j = 0; j < 4; j++) b[j] = _mm_aesenc_si128(b[j], rk[i]);
    for (int j = 0; j < 4; j++) b[j] = _mm_aesenclast_si128(b[j], rk[10]);
}

// The carry-less product of a and b added into a 256-bit sum kept as low, middle and high halves: products
// summed first are reduced once (`reduce`), which is what lets four blocks be hashed with one reduction.
TARGET static inline void multiply_add(__m128i a, __m128i b, __m128i *lo, __m128i *mid, __m128i *hi) {
    *lo = _mm_xor_si128(*lo, _mm_clmulepi64_si128(a, b, 0x00));
    *mid = _mm_xor_si128(*mid, _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x10), _mm_clmulepi64_si128(a, b, 0x01)));
    *hi = _mm_xor_si128(*hi, _mm_clmulepi64_si128(a, b, 0x11));
}

// A 256-bit carry-less product of byte-reversed blocks back to GF(2^128) (Gueron and Kounavis, Algorithm 5: shifted
// left by one bit, then reduced modulo x^128 + x^7 + x^2 + x + 1).
TARGET static inline __m128i reduce(__m128i lo, __m128i mid, __m128i hi) {
    lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
    hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));

    __m128i lo_carry = _mm_srli_epi32(lo, 31);
    __m128i hi_carry = _mm_srli_epi32(hi, 31);
    lo = _mm_slli_epi32(lo, 1);
    hi = _mm_slli_epi32(hi, 1);
    __m128i across = _mm_srli_si128(lo_carry, 12);
    hi_carry = _mm_slli_si128(hi_carry, 4);
    lo_carry = _mm_slli_si128(lo_carry, 4);
    lo = _mm_or_si128(lo, lo_carry);
    hi = _mm_or_si128(_mm_or_si128(hi, hi_carry), across);

    __m128i t = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi32(lo, 31), _mm_slli_epi32(lo, 30)), _mm_slli_epi32(lo, 25));
    __m128i spill = _mm_srli_si128(t, 4);
    lo = _mm_xor_si128(lo, _mm_slli_si128(t, 12));
    __m128i u = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi32(lo, 1), _mm_srli_epi32(lo, 2)), _mm_srli_epi32(lo, 7));
    u = _mm_xor_si128(u, spill);
    lo = _mm_xor_si128(lo, u);
    return _mm_xor_si128(hi, lo);
}

// a·b in GF(2^128), both byte-reversed.
TARGET static inline __m128i gf_multiply(__m128i a, __m128i b) {
    __m128i lo = _mm_setzero_si128(), mid = _mm_setzero_si128(), hi = _mm_setzero_si128();
    multiply_add(a, b, &lo, &mid, &hi);
    return reduce(lo, mid, hi);
}

TARGET static inline __m128i reversed(__m128i block) {
    return _mm_shuffle_epi8(block, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

// Up to 16 octets as a block, zero-padded.
TARGET static inline __m128i load_partial(const uint8_t *p, size_t n) {
    uint8_t block[16] = {0};
    memcpy(block, p, n);
    return _mm_loadu_si128((const __m128i *)block);
}

TARGET static inline void store_partial(uint8_t *p, __m128i value, size_t n) {
    uint8_t block[16];
    _mm_storeu_si128((__m128i *)block, value);
    memcpy(p, block, n);
}

// GHASH over `length` octets (the last block zero-padded), continuing from `x`.
TARGET static inline __m128i hash_bytes(__m128i x, __m128i h, const uint8_t *p, size_t length) {
    size_t i = 0;
    for (; i + 16 <= length; i += 16)
        x = gf_multiply(_mm_xor_si128(x, reversed(_mm_loadu_si128((const __m128i *)(p + i)))), h);
    if (i < length) x = gf_multiply(_mm_xor_si128(x, reversed(load_partial(p + i, length - i))), h);
    return x;
}

TARGET void chorus_aes_gcm_init(chorus_aes_gcm_key *key, const uint8_t *aes_key) {
    __m128i *rk = (__m128i *)key->round_keys;
    rk[0] = _mm_loadu_si128((const __m128i *)aes_key);
    rk[1] = EXPAND(rk[0], 0x01);
    rk[2] = EXPAND(rk[1], 0x02);
    rk[3] = EXPAND(rk[2], 0x04);
    rk[4] = EXPAND(rk[3], 0x08);
    rk[5] = EXPAND(rk[4], 0x10);
    rk[6] = EXPAND(rk[5], 0x20);
    rk[7] = EXPAND(rk[6], 0x40);
    rk[8] = EXPAND(rk[7], 0x80);
    rk[9] = EXPAND(rk[8], 0x1B);
    rk[10] = EXPAND(rk[9], 0x36);
    __m128i h = reversed(encrypt_block(rk, _mm_setzero_si128()));
    __m128i *powers = (__m128i *)key->hash_powers;
    powers[0] = h;
    for (int i = 1; i < 4; i++) powers[i] = gf_multiply(powers[i - 1], h);
}

// The keystream and hash over `length` octets of `data`, in place: `decrypting` hashes each block before it is
// decrypted (the ciphertext), otherwise after it is encrypted. Returns the tag, not yet reversed or masked.
TARGET static inline __m128i crypt(
    const chorus_aes_gcm_key *key, __m128i j0, __m128i x, uint8_t *data, size_t length, int decrypting) {
    const __m128i *rk = (const __m128i *)key->round_keys;
    const __m128i *powers = (const __m128i *)key->hash_powers;
    const __m128i h = powers[0];
    uint32_t counter = 2;
    size_t i = 0;
    for (; i + 64 <= length; i += 64) {
        __m128i block[4];
        for (int j = 0; j < 4; j++) block[j] = _mm_insert_epi32(j0, (int)__builtin_bswap32(counter++), 3);
        encrypt_four(rk, block);
        // (x + c1)·H^4 + c2·H^3 + c3·H^2 + c4·H, reduced once.
        __m128i lo = _mm_setzero_si128(), mid = _mm_setzero_si128(), hi = _mm_setzero_si128();
        for (int j = 0; j < 4; j++) {
            __m128i in = _mm_loadu_si128((const __m128i *)(data + i + 16 * j));
            __m128i out = _mm_xor_si128(in, block[j]);
            _mm_storeu_si128((__m128i *)(data + i + 16 * j), out);
            __m128i hashed = reversed(decrypting ? in : out);
            if (j == 0) hashed = _mm_xor_si128(hashed, x);
            multiply_add(hashed, powers[3 - j], &lo, &mid, &hi);
        }
        x = reduce(lo, mid, hi);
    }
    for (; i < length; i += 16) {
        size_t n = length - i < 16 ? length - i : 16;
        __m128i stream = encrypt_block(rk, _mm_insert_epi32(j0, (int)__builtin_bswap32(counter++), 3));
        __m128i in = load_partial(data + i, n);
        __m128i out = _mm_xor_si128(in, stream);
        store_partial(data + i, out, n);
        // Past the data the keystream's octets are not ciphertext: the hash takes the block zero-padded.
        if (n < 16) out = load_partial(data + i, n);
        x = gf_multiply(_mm_xor_si128(x, reversed(decrypting ? in : out)), h);
    }
    return x;
}

// The tag's last steps: the lengths block, then reversed and masked with the first counter block's keystream.
TARGET static inline __m128i finish(const chorus_aes_gcm_key *key, __m128i j0, __m128i x, size_t aad_length, size_t length) {
    const __m128i h = _mm_load_si128((const __m128i *)key->hash_powers[0]);
    __m128i lengths = _mm_set_epi64x((long long)((uint64_t)aad_length * 8), (long long)((uint64_t)length * 8));
    x = gf_multiply(_mm_xor_si128(x, lengths), h);
    return _mm_xor_si128(reversed(x), encrypt_block((const __m128i *)key->round_keys, j0));
}

TARGET static inline __m128i first_counter(const uint8_t *iv) {
    uint8_t block[16];
    memcpy(block, iv, 12);
    block[12] = 0;
    block[13] = 0;
    block[14] = 0;
    block[15] = 1;
    return _mm_loadu_si128((const __m128i *)block);
}

TARGET void chorus_aes_gcm_seal(
    const chorus_aes_gcm_key *key, const uint8_t *iv, const uint8_t *aad, size_t aad_length, uint8_t *data,
    size_t length, uint8_t *tag) {
    const __m128i h = _mm_load_si128((const __m128i *)key->hash_powers[0]);
    __m128i j0 = first_counter(iv);
    __m128i x = hash_bytes(_mm_setzero_si128(), h, aad, aad_length);
    x = crypt(key, j0, x, data, length, 0);
    _mm_storeu_si128((__m128i *)tag, finish(key, j0, x, aad_length, length));
}

TARGET int chorus_aes_gcm_open(
    const chorus_aes_gcm_key *key, const uint8_t *iv, const uint8_t *aad, size_t aad_length, uint8_t *data,
    size_t length, const uint8_t *tag) {
    const __m128i h = _mm_load_si128((const __m128i *)key->hash_powers[0]);
    __m128i j0 = first_counter(iv);
    __m128i x = hash_bytes(_mm_setzero_si128(), h, aad, aad_length);
    x = crypt(key, j0, x, data, length, 1);
    __m128i difference = _mm_xor_si128(finish(key, j0, x, aad_length, length), _mm_loadu_si128((const __m128i *)tag));
    return _mm_testz_si128(difference, difference);
}

#else

int chorus_aes_gcm_available(void) { return 0; }

void chorus_aes_gcm_init(chorus_aes_gcm_key *key, const uint8_t *aes_key) {
    (void)aes_key;
    memset(key, 0, sizeof(*key));
}

void chorus_aes_gcm_seal(
    const chorus_aes_gcm_key *key, const uint8_t *iv, const uint8_t *aad, size_t aad_length, uint8_t *data,
    size_t length, uint8_t *tag) {
    (void)key, (void)iv, (void)aad, (void)aad_length, (void)data, (void)length;
    memset(tag, 0, 16);
}

int chorus_aes_gcm_open(
    const chorus_aes_gcm_key *key, const uint8_t *iv, const uint8_t *aad, size_t aad_length, uint8_t *data,
    size_t length, const uint8_t *tag) {
    (void)key, (void)iv, (void)aad, (void)aad_length, (void)data, (void)length, (void)tag;
    return 0;
}

#endif
