/** TCP connect + SSH handshake + authentication. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Per command: package installs can take minutes. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 600_000;
