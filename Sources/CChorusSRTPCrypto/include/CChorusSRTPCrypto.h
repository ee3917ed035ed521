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

/// What `chorus_srtp_gcm_protect` and `chorus_srtp_gcm_unprotect` return.
enum {
    CHORUS_SRTP_OK = 0,
    /// Not an RTP packet this direction can take: too short, not version 2, a header longer than the packet.
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
/// replay window, and an OpenSSL EVP context keyed once; packets transformed in place, nothing allocated per
/// packet. Not thread-safe.
typedef struct chorus_srtp_gcm chorus_srtp_gcm;

/// A direction keyed with a 16-octet master key and 12-octet master salt, protecting when `encrypting` is non-zero
/// and unprotecting otherwise; NULL when OpenSSL refuses.
chorus_srtp_gcm *chorus_srtp_gcm_new(const uint8_t *master_key, const uint8_t *master_salt, int encrypting);
void chorus_srtp_gcm_free(chorus_srtp_gcm *state);
/// Encrypts `length` octets of RTP in place and appends the 16-octet tag: `packet` must have room for
/// `length + 16`. On CHORUS_SRTP_OK, `*out_length` is the SRTP packet's length.
int chorus_srtp_gcm_protect(chorus_srtp_gcm *state, uint8_t *packet, size_t length, size_t *out_length);
/// Checks the index and tag of `length` octets of SRTP and decrypts in place; on CHORUS_SRTP_OK, `*out_length` is
/// the RTP packet's length. On failure the packet's payload may be overwritten.
int chorus_srtp_gcm_unprotect(chorus_srtp_gcm *state, uint8_t *packet, size_t length, size_t *out_length);

#endif
