/** TCP connect + SSH handshake + authentication. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Per command: package installs can take minutes. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 600_000;
/** A keepalive every 15 s; 4 unanswered ones (about a minute of silence) and the connection counts as lost. */
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 15_000;
export const DEFAULT_KEEPALIVE_COUNT_MAX = 4;
/** What one command may print before its host is given up (OutputTooLarge): far above anything plumb asks for. */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 2 ** 20;
/** Standard error is kept up to this much (for error messages); the rest is dropped as it arrives. */
export const MAX_STDERR_BYTES = 2 ** 20;
