// libsrtp2 has no module map of its own; this header is the module's only content. Chorus needs no wrapper
// around it: every call it makes (srtp_init, srtp_create, srtp_protect, ...) is a plain function.
#include <srtp2/srtp.h>
