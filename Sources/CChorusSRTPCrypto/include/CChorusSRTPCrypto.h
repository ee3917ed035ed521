#ifndef CCHORUS_SRTP_CRYPTO_H
#define CCHORUS_SRTP_CRYPTO_H

/// Replaces libsrtp2's AES-128 counter mode, AES-128-GCM and HMAC-SHA1 with implementations on OpenSSL 3's EVP
/// and SHA-1, through libsrtp's public `srtp_replace_cipher_type` / `srtp_replace_auth_type`. libsrtp keeps doing
/// everything SRTP is (key derivation, packet indices and roll-over counters, replay windows, packet layouts);
/// only the block-cipher and MAC calls change. libsrtp runs its own known-answer tests and these types' before
/// taking them. Call once, after `srtp_init`; returns 0, or -1 when OpenSSL lacks a cipher, or libsrtp's status
/// (+100 for GCM, +200 for HMAC) when it refuses a replacement.
int chorus_srtp_use_openssl(void);

#include <stddef.h>
#include <stdint.h>

/// AES-128-GCM's key schedule and hash key (H to H^4, byte-reversed), where the caller puts them.
typedef struct {
    _Alignas(16) uint8_t round_keys[11][16];
    _Alignas(16) uint8_t hash_powers[4][16];
} chorus_aes_gcm_key;

/// Whether this CPU has the instructions `chorus_aes_gcm_*` need (x86-64 AES-NI, PCLMULQDQ, SSSE3 and SSE4.1).
/// Without them the functions below do nothing useful: check first.
int chorus_aes_gcm_available(void);
/// Expands a 16-octet AES key into `key`.
void chorus_aes_gcm_init(chorus_aes_gcm_key *key, const uint8_t *aes_key);
/// Encrypts `length` octets of `data` in place with the 12-octet `iv`, authenticating `aad` too, and writes the
/// 16-octet tag to `tag`.
void chorus_aes_gcm_seal(const chorus_aes_gcm_key *key, const uint8_t *iv, const uint8_t *aad, size_t aad_length,
                         uint8_t *data, size_t length, uint8_t *tag);
/// Decrypts `length` octets of `data` in place and checks `tag` (in constant time); 1 when it verifies, 0 when not
/// (the data is decrypted either way).
int chorus_aes_gcm_open(const chorus_aes_gcm_key *key, const uint8_t *iv, const uint8_t *aad, size_t aad_length,
                        uint8_t *data, size_t length, const uint8_t *tag);

/// What `chorus_srtp_gcm_protect` and `chorus_srtp_gcm_unprotect` return.
enum {
    CHORUS_SRTP_OK = 0,
    /// Not an RTP packet this direction can take: too short, not version 2, a header longer than the packet, longer
    /// than a datagram (65,535 octets).
    CHORUS_SRTP_MALFORMED = 1,
    /// The tag did not verify (unprotect).
    CHORUS_SRTP_AUTH_FAILED = 2,
    /// The packet index was seen before (unprotect), or already used with these keys (protect).
    CHORUS_SRTP_REPLAY = 3,
    /// The packet index is older than the 128-packet replay window.
    CHORUS_SRTP_REPLAY_OLD = 4,
    /// OpenSSL refused a call.
    CHORUS_SRTP_CIPHER_FAILED = 5,
    /// A new SSRC when `CHORUS_SRTP_GCM_STREAMS` are already followed.
    CHORUS_SRTP_TOO_MANY_STREAMS = 6,
};

/// How many SSRCs one direction follows (a call sends one; a far end may switch or add a few).
#define CHORUS_SRTP_GCM_STREAMS 8

/// One direction of SRTP for RTP with AEAD_AES_128_GCM (RFC 7714): session keys derived from the master key and
/// salt (RFC 3711 §4.3.3), per SSRC the packet indices and roll-over counter (RFC 3711 §3.3.1) and a 128-packet
/// replay window, and the cipher keyed once (`chorus_aes_gcm_key` in the same block on CPUs with AES-NI and
/// PCLMULQDQ, an OpenSSL EVP context otherwise); packets transformed in place, nothing allocated per packet. Not
/// thread-safe.
typedef struct chorus_srtp_gcm chorus_srtp_gcm;

/// A direction keyed with a 16-octet master key and 12-octet master salt, protecting when `encrypting` is non-zero
/// and unprotecting otherwise; NULL when OpenSSL refuses.
chorus_srtp_gcm *chorus_srtp_gcm_new(const uint8_t *master_key, const uint8_t *master_salt, int encrypting);
/// As `chorus_srtp_gcm_new`, with OpenSSL's EVP as the cipher even where the CPU has the instructions when
/// `cpu_instructions` is 0 (for the tests that hold the two to each other).
chorus_srtp_gcm *chorus_srtp_gcm_new_with(const uint8_t *master_key, const uint8_t *master_salt, int encrypting,
                                          int cpu_instructions);
/// Whether `state` ciphers with `chorus_aes_gcm_*` rather than OpenSSL's EVP.
int chorus_srtp_gcm_uses_cpu_instructions(const chorus_srtp_gcm *state);
void chorus_srtp_gcm_free(chorus_srtp_gcm *state);
/// Encrypts `length` octets of RTP in place and appends the 16-octet tag: `packet` must have room for
/// `length + 16`. On CHORUS_SRTP_OK, `*out_length` is the SRTP packet's length.
int chorus_srtp_gcm_protect(chorus_srtp_gcm *state, uint8_t *packet, size_t length, size_t *out_length);
/// Checks the index and tag of `length` octets of SRTP and decrypts in place; on CHORUS_SRTP_OK, `*out_length` is
/// the RTP packet's length. On failure the packet's payload may be overwritten.
int chorus_srtp_gcm_unprotect(chorus_srtp_gcm *state, uint8_t *packet, size_t length, size_t *out_length);
/// How many packets `state` refused with `status` (one of the non-zero values above).
uint64_t chorus_srtp_gcm_refused(const chorus_srtp_gcm *state, int status);
/// Asks the CPU to bring what `chorus_srtp_gcm_protect` or `_unprotect` reads first into its cache, without waiting
/// for it: a caller that knows a packet is coming calls this while it still has other work to do.
void chorus_srtp_gcm_prefetch(const chorus_srtp_gcm *state);

/// Asks the CPU to bring the `bytes` octets at `address` into its cache, without waiting (a hint: never faults).
static inline void chorus_prefetch(const void *address, size_t bytes) {
    for (size_t offset = 0; offset < bytes; offset += 64) __builtin_prefetch((const char *)address + offset);
}

#endif
