// See include/LibSRTPReference.h. libsrtp2 is reached through dlopen/dlsym so that nothing
// links against it: the function types come from its header when the header is present.
#include "LibSRTPReference.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if __has_include(<srtp2/srtp.h>)
#include <dlfcn.h>
#include <srtp2/srtp.h>
#define SPECRTC_HAVE_LIBSRTP 1
#else
#define SPECRTC_HAVE_LIBSRTP 0
#endif

#if SPECRTC_HAVE_LIBSRTP

struct specrtc_libsrtp_session {
    srtp_t session;
    int mki;
};

// The entry points used, resolved once.
static struct {
    int loaded;
    char error[256];
    const char *(*version)(void);
    __typeof__(srtp_init) *init;
    __typeof__(srtp_create) *create;
    __typeof__(srtp_dealloc) *dealloc;
    __typeof__(srtp_protect_mki) *protect_mki;
    __typeof__(srtp_unprotect_mki) *unprotect_mki;
    __typeof__(srtp_protect_rtcp_mki) *protect_rtcp_mki;
    __typeof__(srtp_unprotect_rtcp_mki) *unprotect_rtcp_mki;
    __typeof__(srtp_set_stream_roc) *set_stream_roc;
    void (*policy_setters[12])(srtp_crypto_policy_t *);
} lib;

static const char *setter_names[] = {
    "srtp_crypto_policy_set_rtp_default",                // 0: AES-128-CM, HMAC-SHA1-80
    "srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32",    // 1
    "srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80",    // 2
    "srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32",    // 3
    "srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80",    // 4
    "srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32",    // 5
    "srtp_crypto_policy_set_null_cipher_hmac_sha1_80",   // 6
    "srtp_crypto_policy_set_aes_gcm_128_16_auth",        // 7
    "srtp_crypto_policy_set_aes_gcm_256_16_auth",        // 8
};

static void *resolve(void *handle, const char *name) {
    void *symbol = dlsym(handle, name);
    if (symbol == NULL && lib.error[0] == 0) snprintf(lib.error, sizeof lib.error, "libsrtp2 lacks %s", name);
    return symbol;
}

static int load(void) {
    if (lib.loaded) return lib.loaded > 0;
    void *handle = dlopen("libsrtp2.so.1", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        snprintf(lib.error, sizeof lib.error, "dlopen libsrtp2.so.1: %s", dlerror());
        lib.loaded = -1;
        return 0;
    }
    lib.version = (const char *(*)(void))resolve(handle, "srtp_get_version_string");
    lib.init = resolve(handle, "srtp_init");
    lib.create = resolve(handle, "srtp_create");
    lib.dealloc = resolve(handle, "srtp_dealloc");
    lib.protect_mki = resolve(handle, "srtp_protect_mki");
    lib.unprotect_mki = resolve(handle, "srtp_unprotect_mki");
    lib.protect_rtcp_mki = resolve(handle, "srtp_protect_rtcp_mki");
    lib.unprotect_rtcp_mki = resolve(handle, "srtp_unprotect_rtcp_mki");
    lib.set_stream_roc = resolve(handle, "srtp_set_stream_roc");
    for (size_t i = 0; i < sizeof setter_names / sizeof *setter_names; i++) {
        lib.policy_setters[i] = (void (*)(srtp_crypto_policy_t *))resolve(handle, setter_names[i]);
    }
    if (lib.error[0] != 0 || lib.init() != srtp_err_status_ok) {
        if (lib.error[0] == 0) snprintf(lib.error, sizeof lib.error, "srtp_init failed");
        lib.loaded = -1;
        return 0;
    }
    lib.loaded = 1;
    return 1;
}

int specrtc_libsrtp_available(char *reason, size_t capacity) {
    int ok = load();
    if (!ok && reason != NULL && capacity > 0) snprintf(reason, capacity, "%s", lib.error);
    return ok;
}

const char *specrtc_libsrtp_version(void) { return load() && lib.version ? lib.version() : ""; }

// The policy setters for RTP and RTCP: the _32 profiles keep an 80-bit SRTCP tag; the NULL
// cipher with a 32-bit RTP tag has no setter of its own and is adjusted by hand.
static int policies(const char *profile, srtp_crypto_policy_t *rtp, srtp_crypto_policy_t *rtcp) {
    static const struct { const char *name; int rtp, rtcp; } table[] = {
        {"AES_CM_128_HMAC_SHA1_80", 0, 0}, {"AES_CM_128_HMAC_SHA1_32", 1, 0},
        {"AES_192_CM_HMAC_SHA1_80", 2, 2}, {"AES_192_CM_HMAC_SHA1_32", 3, 2},
        {"AES_256_CM_HMAC_SHA1_80", 4, 4}, {"AES_256_CM_HMAC_SHA1_32", 5, 4},
        {"NULL_HMAC_SHA1_80", 6, 6}, {"NULL_HMAC_SHA1_32", 6, 6},
        {"AEAD_AES_128_GCM", 7, 7}, {"AEAD_AES_256_GCM", 8, 8},
    };
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        if (strcmp(table[i].name, profile) != 0) continue;
        lib.policy_setters[table[i].rtp](rtp);
        lib.policy_setters[table[i].rtcp](rtcp);
        if (strcmp(profile, "NULL_HMAC_SHA1_32") == 0) rtp->auth_tag_len = 4;
        return 1;
    }
    return 0;
}

specrtc_libsrtp_session *specrtc_libsrtp_create(const char *profile, int outbound, const uint8_t *keys,
                                                size_t key_length, size_t key_count, const uint8_t *mkis,
                                                size_t mki_length, unsigned long window_size,
                                                int encrypt_rtcp, int *status) {
    *status = srtp_err_status_fail;
    if (!load() || key_count == 0 || key_count > 16) return NULL;
    srtp_policy_t policy;
    memset(&policy, 0, sizeof policy);
    if (!policies(profile, &policy.rtp, &policy.rtcp)) { *status = srtp_err_status_bad_param; return NULL; }
    if (!encrypt_rtcp) policy.rtcp.sec_serv = sec_serv_auth;
    policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
    policy.window_size = window_size;
    srtp_master_key_t master[16];
    srtp_master_key_t *pointers[16];
    if (mki_length > 0) {
        for (size_t i = 0; i < key_count; i++) {
            master[i].key = (unsigned char *)keys + i * key_length;
            master[i].mki_id = (unsigned char *)mkis + i * mki_length;
            master[i].mki_size = (unsigned int)mki_length;
            pointers[i] = &master[i];
        }
        policy.keys = pointers;
        policy.num_master_keys = key_count;
    } else {
        policy.key = (unsigned char *)keys;
    }
    specrtc_libsrtp_session *result = calloc(1, sizeof *result);
    if (result == NULL) return NULL;
    result->mki = mki_length > 0;
    *status = lib.create(&result->session, &policy);
    if (*status != srtp_err_status_ok) { free(result); return NULL; }
    return result;
}

void specrtc_libsrtp_destroy(specrtc_libsrtp_session *session) {
    if (session == NULL) return;
    lib.dealloc(session->session);
    free(session);
}

int specrtc_libsrtp_protect(specrtc_libsrtp_session *s, uint8_t *packet, int *length, unsigned mki_index) {
    return lib.protect_mki(s->session, packet, length, s->mki, mki_index);
}

int specrtc_libsrtp_unprotect(specrtc_libsrtp_session *s, uint8_t *packet, int *length) {
    return lib.unprotect_mki(s->session, packet, length, s->mki);
}

int specrtc_libsrtp_protect_rtcp(specrtc_libsrtp_session *s, uint8_t *packet, int *length, unsigned mki_index) {
    return lib.protect_rtcp_mki(s->session, packet, length, s->mki, mki_index);
}

int specrtc_libsrtp_unprotect_rtcp(specrtc_libsrtp_session *s, uint8_t *packet, int *length) {
    return lib.unprotect_rtcp_mki(s->session, packet, length, s->mki);
}

int specrtc_libsrtp_set_roc(specrtc_libsrtp_session *s, uint32_t ssrc, uint32_t roc) {
    return lib.set_stream_roc(s->session, ssrc, roc);
}

#else  // no libsrtp2 headers at build time

int specrtc_libsrtp_available(char *reason, size_t capacity) {
    if (reason != NULL && capacity > 0) snprintf(reason, capacity, "built without libsrtp2 headers (install libsrtp2-dev)");
    return 0;
}
const char *specrtc_libsrtp_version(void) { return ""; }
specrtc_libsrtp_session *specrtc_libsrtp_create(const char *profile, int outbound, const uint8_t *keys,
                                                size_t key_length, size_t key_count, const uint8_t *mkis,
                                                size_t mki_length, unsigned long window_size,
                                                int encrypt_rtcp, int *status) {
    *status = -1;
    return NULL;
}
void specrtc_libsrtp_destroy(specrtc_libsrtp_session *session) {}
int specrtc_libsrtp_protect(specrtc_libsrtp_session *s, uint8_t *p, int *l, unsigned m) { return -1; }
int specrtc_libsrtp_unprotect(specrtc_libsrtp_session *s, uint8_t *p, int *l) { return -1; }
int specrtc_libsrtp_protect_rtcp(specrtc_libsrtp_session *s, uint8_t *p, int *l, unsigned m) { return -1; }
int specrtc_libsrtp_unprotect_rtcp(specrtc_libsrtp_session *s, uint8_t *p, int *l) { return -1; }
int specrtc_libsrtp_set_roc(specrtc_libsrtp_session *s, uint32_t ssrc, uint32_t roc) { return -1; }

#endif
