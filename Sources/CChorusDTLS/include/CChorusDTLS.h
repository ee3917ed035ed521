#ifndef CCHORUS_DTLS_H
#define CCHORUS_DTLS_H

// The system OpenSSL 3 for ChorusWebRTC's DTLS endpoint. Swift calls OpenSSL's functions directly; this header
// adds only what Swift cannot call: function-like macros (each wrapper below is one macro) and a BIO whose
// writes keep datagram boundaries, which a memory BIO loses.

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

// SSL_OP_BIT(n) is a function-like macro, so Swift sees neither option.
static const uint64_t chorus_ssl_op_no_query_mtu = SSL_OP_NO_QUERY_MTU;
static const uint64_t chorus_ssl_op_no_ticket = SSL_OP_NO_TICKET;

static inline long chorus_ssl_set_mtu(SSL *ssl, long mtu) {
    return SSL_set_mtu(ssl, mtu);
}

/// Microseconds until the DTLS retransmission timer fires (0 when due), or -1 when no timer runs.
static inline long long chorus_dtls_timeout_us(SSL *ssl) {
    struct timeval left;
    if (DTLSv1_get_timeout(ssl, &left) != 1) {
        return -1;
    }
    return (long long)left.tv_sec * 1000000 + (long long)left.tv_usec;
}

static inline int chorus_dtls_handle_timeout(SSL *ssl) {
    return (int)DTLSv1_handle_timeout(ssl);
}

static inline void chorus_bio_set_mem_eof_return(BIO *bio, int value) {
    BIO_set_mem_eof_return(bio, value);
}

static inline int chorus_ssl_ctx_set_dtls12_only(SSL_CTX *ctx) {
    return SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) == 1
        && SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) == 1;
}

static inline void chorus_ssl_ctx_set_session_cache_off(SSL_CTX *ctx) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
}

/// Receives each finished datagram from a datagram BIO; `bytes` is valid only during the call.
typedef void (*chorus_dtls_datagram_sink)(void *context, const uint8_t *bytes, size_t count);

/// A write-only BIO for the DTLS output. Records written to it are grouped into one datagram while they fit in
/// `mtu` bytes (a record is never split); the datagram goes to `sink` when the next record would not fit, when
/// OpenSSL flushes (the end of a flight or of an alert), or on BIO_flush. Answers BIO_CTRL_DGRAM_QUERY_MTU with
/// `mtu`, BIO_CTRL_WPENDING with the bytes waiting (OpenSSL sizes its next fragment by it) and a zero MTU
/// overhead: `mtu` is the UDP payload size. Returns NULL when out of memory.
BIO *chorus_dtls_datagram_bio_new(chorus_dtls_datagram_sink sink, void *context, size_t mtu);

#endif
