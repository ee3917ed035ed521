#include <opus.h>

// opus_encoder_ctl and opus_decoder_ctl are variadic, driven by macros: Swift can call neither.
// These wrappers are the only C Chorus adds; each does exactly one ctl call.
static inline int chorus_opus_set_bitrate(OpusEncoder *e, opus_int32 bps) {
    return opus_encoder_ctl(e, OPUS_SET_BITRATE(bps));
}
static inline int chorus_opus_set_complexity(OpusEncoder *e, opus_int32 c) {
    return opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(c));
}
static inline int chorus_opus_set_inband_fec(OpusEncoder *e, opus_int32 on) {
    return opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(on));
}
static inline int chorus_opus_set_packet_loss_perc(OpusEncoder *e, opus_int32 pct) {
    return opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(pct));
}
static inline int chorus_opus_set_signal_voice(OpusEncoder *e) {
    return opus_encoder_ctl(e, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
}
