// A thin C harness over the system's libsrtp2, loaded at run time with dlopen, used only by
// SpecRTC's tests and benchmarks as an independent reference. It compiles without libsrtp2's
// headers (every call then reports "unavailable"), so a plain `swift build` needs nothing
// installed.
#ifndef SPECRTC_LIBSRTP_REFERENCE_H
#define SPECRTC_LIBSRTP_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

/// An libsrtp2 session (opaque).
typedef struct specrtc_libsrtp_session specrtc_libsrtp_session;

/// 1 when libsrtp2 was found at build time and loads now; otherwise 0, with a reason in
/// `reason` (NUL-terminated, truncated to `capacity`).
int specrtc_libsrtp_available(char *reason, size_t capacity);

/// The loaded library's version string, or "" when unavailable.
const char *specrtc_libsrtp_version(void);

/// A session for `profile` (SpecRTC's profile names, e.g. "AES_CM_128_HMAC_SHA1_80"),
/// outbound (protect) or inbound (unprotect), with `key_count` master keys, each
/// `key_length` bytes of key followed by salt in `keys`, and, when `mki_length` > 0, their
/// MKIs back to back in `mkis`. `encrypt_rtcp` 0 sends SRTCP authenticated only. Returns NULL
/// and an libsrtp status in `status` on failure.
specrtc_libsrtp_session *specrtc_libsrtp_create(const char *profile, int outbound, const uint8_t *keys,
                                                size_t key_length, size_t key_count, const uint8_t *mkis,
                                                size_t mki_length, unsigned long window_size,
                                                int encrypt_rtcp, int *status);

void specrtc_libsrtp_destroy(specrtc_libsrtp_session *session);

/// Protects or unprotects in place; `length` is updated. `mki_index` picks the master key
/// (ignored without MKIs). Returns libsrtp's status (0 is success).
int specrtc_libsrtp_protect(specrtc_libsrtp_session *session, uint8_t *packet, int *length, unsigned mki_index);
int specrtc_libsrtp_unprotect(specrtc_libsrtp_session *session, uint8_t *packet, int *length);
int specrtc_libsrtp_protect_rtcp(specrtc_libsrtp_session *session, uint8_t *packet, int *length, unsigned mki_index);
int specrtc_libsrtp_unprotect_rtcp(specrtc_libsrtp_session *session, uint8_t *packet, int *length);

/// Sets the rollover counter of stream `ssrc` (the stream must exist).
int specrtc_libsrtp_set_roc(specrtc_libsrtp_session *session, uint32_t ssrc, uint32_t roc);

#endif
