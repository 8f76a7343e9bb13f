import * as fs from 'node:fs';

/**
 * The node `fs` for isomorphic-git, with one shortcut: before reading a loose object it consults a cached
 * listing of objects/XX/, so that objects living in packfiles do not cost a failed open() each. Those
 * failures (one per object, thrown as Errors with stack traces) were half the time of reading a large
 * commit. The listing is taken once per instance: use one instance per read of a snapshot.
 * Likewise objects/pack is listed once (isomorphic-git lists it for every packed object), and the probe
 * isomorphic-git makes on every API call (readFile() without a path, to see whether it returns a promise)
 * gets a ready-made rejection instead of a freshly built TypeError.
 */
export function gitReadFs(): typeof fs {
  const listing = new Map<string, Set<string> | null>();
  const enoent = Object.assign(new Error('ENOENT: no such loose object'), { code: 'ENOENT' });
  const missingLoose = (p: string): boolean => {
    const m = /[\\/]objects[\\/]([0-9a-f]{2})[\\/]([0-9a-f]{38})$/.exec(p);
    if (!m) return false;
    const dir = p.slice(0, p.length - 39);
    let names = listing.get(dir);
    if (names === undefined) {
      try {
        names = new Set(fs.readdirSync(dir));
      } catch {
        names = null;
      }
      listing.set(dir, names);
    }
    return !names || !names.has(m[2]!);
  };
  const probe = Object.assign(new TypeError('path required'), { code: 'ERR_INVALID_ARG_TYPE' });
  const dirs = new Map<string, Promise<string[]>>();
  const promises = {
    ...fs.promises,
    readFile: ((p: fs.PathLike, opts?: unknown) => {
      if (p === undefined) return Promise.reject(probe);
      if (typeof p === 'string' && missingLoose(p)) return Promise.reject(enoent);
      return fs.promises.readFile(p, opts as never);
    }) as typeof fs.promises.readFile,
    readdir: ((p: fs.PathLike, opts?: unknown) => {
      if (typeof p !== 'string' || !/[\\/]objects[\\/]pack$/.test(p) || opts !== undefined) return fs.promises.readdir(p, opts as never);
      let listing = dirs.get(p);
      if (!listing) dirs.set(p, (listing = fs.promises.readdir(p)));
      return listing.then((names) => [...names]);
    }) as typeof fs.promises.readdir,
  };
  return { ...fs, promises } as typeof fs;
}
