/**
 * ssh_config's % tokens and ${VAR} references in IdentityFile and IdentityAgent, and ~ at the start, as
 * ssh(1) expands them when it uses the value (ssh -G prints IdentityFile unexpanded). An unknown token or an
 * unset variable is an error, as in ssh.
 */
export interface TokenValues {
  home: string;
  localUser: string;
  localHost: string;
  uid: number;
  /** The remote host name (after HostName), user and port, and the host as given (%n). */
  host: string;
  user: string;
  port: number;
  original: string;
}

export function expandPath(value: string, t: TokenValues, env: NodeJS.ProcessEnv): string {
  let v = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const x = env[name];
    if (x === undefined) throw new Error(`\${${name}} is not set`);
    return x;
  });
  v = v.replace(/%(.)/g, (_m, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'd':
        return t.home;
      case 'u':
        return t.localUser;
      case 'h':
        return t.host;
      case 'r':
        return t.user;
      case 'p':
        return String(t.port);
      case 'n':
        return t.original;
      case 'l':
        return t.localHost;
      case 'L':
        return t.localHost.split('.')[0]!;
      case 'i':
        return String(t.uid);
      default:
        throw new Error(`the token %${c} is not supported here`);
    }
  });
  if (v === '~' || v.startsWith('~/')) v = t.home + v.slice(1);
  return v;
}
