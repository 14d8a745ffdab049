/*
 * grpc: a minimal gRPC client, enough to speak to a container runtime (CRI)
 * and later etcd: unary and server-streaming calls over one HTTP/2
 * connection (nghttp2) on a unix socket (or TCP, for probes), messages encoded with
 * protobuf-c.
 * The full gRPC C core would bring 56 shared libraries and ~13 MB of RSS for
 * the two call shapes we need; this is five libraries and a few hundred lines
 * (measured: ../shared/RUNTIME-FACTS.md).
 *
 * Wire: HTTP/2 with prior knowledge (no TLS, no upgrade); each message is
 * framed as 1 byte "compressed" flag (always 0: we never ask for
 * compression), a 4-byte big-endian length, then the protobuf bytes; the
 * outcome is the `grpc-status` / `grpc-message` trailer (or a trailers-only
 * response). A deadline is sent as `grpc-timeout` and enforced locally too.
 *
 * Errors: a non-OK grpc-status becomes a cube_err_t whose message reads as Go's
 * gRPC errors print ("rpc error: code = NotFound desc = ..."), so that runtime
 * errors reach events and logs in the form Kubernetes users know, and whose
 * code/reason are the Kubernetes equivalent (cube_grpc_status_to_err):
 * NotFound 404 "NotFound", AlreadyExists 409, DeadlineExceeded 504 "Timeout",
 * Unavailable 503 "ServiceUnavailable", Unimplemented 405 "MethodNotAllowed",
 * InvalidArgument 400 "BadRequest", ...; cube_grpc_err_status() recovers the
 * gRPC code from such an error.
 *
 * Threads: a connection is shared by any number of threads; each call is a
 * concurrent HTTP/2 stream. One I/O thread per connection owns the socket and
 * the nghttp2 session; callers block on their own call only. The connection
 * is opened lazily and re-opened by the next call after the peer went away
 * (calls in flight then fail with Unavailable).
 */
#ifndef CUBE_GRPC_H
#define CUBE_GRPC_H

#include "core/core.h"

#include <protobuf-c/protobuf-c.h>

/* gRPC status codes (google.rpc.Code). */
typedef enum {
    CUBE_GRPC_OK = 0,
    CUBE_GRPC_CANCELLED = 1,
    CUBE_GRPC_UNKNOWN = 2,
    CUBE_GRPC_INVALID_ARGUMENT = 3,
    CUBE_GRPC_DEADLINE_EXCEEDED = 4,
    CUBE_GRPC_NOT_FOUND = 5,
    CUBE_GRPC_ALREADY_EXISTS = 6,
    CUBE_GRPC_PERMISSION_DENIED = 7,
    CUBE_GRPC_RESOURCE_EXHAUSTED = 8,
    CUBE_GRPC_FAILED_PRECONDITION = 9,
    CUBE_GRPC_ABORTED = 10,
    CUBE_GRPC_OUT_OF_RANGE = 11,
    CUBE_GRPC_UNIMPLEMENTED = 12,
    CUBE_GRPC_INTERNAL = 13,
    CUBE_GRPC_UNAVAILABLE = 14,
    CUBE_GRPC_DATA_LOSS = 15,
    CUBE_GRPC_UNAUTHENTICATED = 16,
} cube_grpc_status_t;

/* Largest message accepted from the peer; a bigger one fails the call with
 * ResourceExhausted (Go's gRPC default receive limit is 4 MiB; the kubelet
 * raises it to 16 MiB for CRI: ExecSync output is capped at 16 MiB). */
#define CUBE_GRPC_MAX_MESSAGE (16u * 1024 * 1024 + 1024)

typedef struct cube_grpc_conn cube_grpc_conn_t;

/*
 * A connection to target: "unix:/abs/path", "unix:///abs/path" or a plain
 * "/abs/path"; or TCP to a numeric address, "10.0.0.5:9000", "ipv4:10.0.0.5:9000",
 * "[fd00::5]:9000" (the kubelet's gRPC probes: cleartext HTTP/2, as they speak it).
 * Nothing is connected yet (the first call connects), so this
 * fails only on a malformed target (BadRequest). Starts the I/O thread.
 * Caller owns *ret (cube_grpc_conn_free).
 */
int cube_grpc_conn_new(const char *target, cube_grpc_conn_t **ret, cube_err_t *err);
/* Fails every call in flight with Cancelled and every later call at once (for
 * a shutdown that must end long-running streams blocked in other threads).
 * Any thread; idempotent. */
void cube_grpc_conn_shutdown(cube_grpc_conn_t *c);
/* Shuts down (as above), joins the I/O thread, closes the socket, frees.
 * Accepts NULL. No other thread may be inside a call on c any more. */
void cube_grpc_conn_free(cube_grpc_conn_t *c);

/*
 * A unary call: sends one message (req bytes, serialized) to method (the full
 * path, "/runtime.v1.RuntimeService/Version") and waits for the one reply,
 * appended to *ret_resp (caller's buffer, NUL-terminated as cube_buf_t is).
 * timeout_ms <= 0: no deadline. Any thread; blocks the caller only.
 * Errors: the call's gRPC status (see above); Unavailable when the socket
 * cannot be reached; Timeout (DeadlineExceeded) when the deadline passes.
 */
int cube_grpc_unary(cube_grpc_conn_t *c, const char *method, const void *req, size_t req_len,
                    int timeout_ms, cube_buf_t *ret_resp, cube_err_t *err);

/* Called once per message of a server stream, on the calling thread, with
 * the message's bytes (borrowed for the duration of the call). Return < 0 to
 * cancel the stream (the call then returns 0). */
typedef int (*cube_grpc_msg_fn)(const void *msg, size_t len, void *userdata);

/*
 * A server-streaming call: sends req, then calls on_msg for each message the
 * server streams, in order, until the server ends the stream, the deadline
 * passes, or on_msg returns < 0. Returns 0 when the stream ended with OK (or
 * was cancelled by on_msg), -1 with err otherwise. Any thread.
 */
int cube_grpc_server_stream(cube_grpc_conn_t *c, const char *method, const void *req,
                            size_t req_len, int timeout_ms, cube_grpc_msg_fn on_msg, void *userdata,
                            cube_err_t *err);

/*
 * A unary call with protobuf-c messages: packs req, calls, unpacks the reply
 * as resp_desc into *ret (caller frees with protobuf_c_message_free_unpacked,
 * or the generated <type>__free_unpacked). Errors: as cube_grpc_unary, and
 * InternalError when the reply does not decode.
 */
int cube_grpc_call(cube_grpc_conn_t *c, const char *method, const ProtobufCMessage *req,
                   const ProtobufCMessageDescriptor *resp_desc, int timeout_ms,
                   ProtobufCMessage **ret, cube_err_t *err);

/* ---- status mapping (pure; exposed for tests and for servers we may write) */

/* Go's name for a status code: "NotFound", "DeadlineExceeded", ...; "Code(N)" past 16 is not
 * representable in a static string, so unknown codes read "Unknown". */
const char *cube_grpc_status_name(int status);
/* Sets err from a non-OK status and its (already percent-decoded) message; returns -1. */
int cube_grpc_status_to_err(int status, const char *msg, cube_err_t *err);
/* The gRPC status an error made by cube_grpc_status_to_err carries; CUBE_GRPC_UNKNOWN for
 * other errors, CUBE_GRPC_OK for a cleared one. */
int cube_grpc_err_status(const cube_err_t *err);
/* The status a response without grpc-status gets from its HTTP :status (gRPC's
 * http-grpc-status-mapping). */
int cube_grpc_status_from_http(int http_status);
/* Decodes a grpc-message value (percent-encoded, RFC 3986 style). Caller frees. */
char *cube_grpc_message_decode(const char *s, size_t len);

#endif
