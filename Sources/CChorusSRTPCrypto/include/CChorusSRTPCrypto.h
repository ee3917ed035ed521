#ifndef CCHORUS_SRTP_CRYPTO_H
#define CCHORUS_SRTP_CRYPTO_H

/// Replaces libsrtp2's AES-128 counter mode, AES-128-GCM and HMAC-SHA1 with implementations on OpenSSL 3's EVP
/// and SHA-1, through libsrtp's public `srtp_replace_cipher_type` / `srtp_replace_auth_type`. libsrtp keeps doing
/// everything SRTP is (key derivation, packet indices and roll-over counters, replay windows, packet layouts);
/// only the block-cipher and MAC calls change. libsrtp runs its own known-answer tests and these types' before
/// taking them. Call once, after `srtp_init`; returns 0, or -1 when OpenSSL lacks a cipher, or libsrtp's status
/// (+100 for GCM, +200 for HMAC) when it refuses a replacement.
int chorus_srtp_use_openssl(void);

#endif
