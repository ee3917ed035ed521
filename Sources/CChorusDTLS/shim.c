#include "CChorusDTLS.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    chorus_dtls_datagram_sink sink;
    void *context;
    size_t mtu;
    size_t pending;
    uint8_t buffer[];
} chorus_datagram_out;

static void chorus_datagram_emit(chorus_datagram_out *out) {
    if (out->pending > 0) {
        out->sink(out->context, out->buffer, out->pending);
        out->pending = 0;
    }
}

static int chorus_datagram_write(BIO *bio, const char *data, int length) {
    chorus_datagram_out *out = BIO_get_data(bio);
    if (out == NULL || length < 0) {
        return -1;
    }
    size_t count = (size_t)length;
    if (out->pending + count > out->mtu) {
        chorus_datagram_emit(out);
    }
    if (count > out->mtu) {
        // Larger than a datagram should be (application data written without regard to the MTU): sent alone
        // rather than split, since a split record is lost anyway.
        out->sink(out->context, (const uint8_t *)data, count);
    } else {
        memcpy(out->buffer + out->pending, data, count);
        out->pending += count;
    }
    return length;
}

static long chorus_datagram_ctrl(BIO *bio, int command, long number, void *pointer) {
    (void)number;
    (void)pointer;
    chorus_datagram_out *out = BIO_get_data(bio);
    if (out == NULL) {
        return 0;
    }
    switch (command) {
    case BIO_CTRL_FLUSH:
        chorus_datagram_emit(out);
        return 1;
    case BIO_CTRL_WPENDING:
        return (long)out->pending;
    case BIO_CTRL_PENDING:
        return 0;
    case BIO_CTRL_DGRAM_QUERY_MTU:
    case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
        return (long)out->mtu;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
        return 0;
    default:
        return 0;
    }
}

static int chorus_datagram_create(BIO *bio) {
    BIO_set_init(bio, 1);
    return 1;
}

static int chorus_datagram_destroy(BIO *bio) {
    free(BIO_get_data(bio));
    BIO_set_data(bio, NULL);
    return 1;
}

static BIO_METHOD *chorus_datagram_method = NULL;
static CRYPTO_ONCE chorus_datagram_method_once = CRYPTO_ONCE_STATIC_INIT;

static void chorus_datagram_method_init(void) {
    BIO_METHOD *method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "chorus DTLS datagrams");
    if (method == NULL) {
        return;
    }
    BIO_meth_set_write(method, chorus_datagram_write);
    BIO_meth_set_ctrl(method, chorus_datagram_ctrl);
    BIO_meth_set_create(method, chorus_datagram_create);
    BIO_meth_set_destroy(method, chorus_datagram_destroy);
    chorus_datagram_method = method;
}

BIO *chorus_dtls_datagram_bio_new(chorus_dtls_datagram_sink sink, void *context, size_t mtu) {
    if (!CRYPTO_THREAD_run_once(&chorus_datagram_method_once, chorus_datagram_method_init)
        || chorus_datagram_method == NULL || sink == NULL || mtu == 0) {
        return NULL;
    }
    chorus_datagram_out *out = malloc(sizeof(chorus_datagram_out) + mtu);
    if (out == NULL) {
        return NULL;
    }
    out->sink = sink;
    out->context = context;
    out->mtu = mtu;
    out->pending = 0;
    BIO *bio = BIO_new(chorus_datagram_method);
    if (bio == NULL) {
        free(out);
        return NULL;
    }
    BIO_set_data(bio, out);
    return bio;
}
