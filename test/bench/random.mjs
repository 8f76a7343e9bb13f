// A seeded generator (mulberry32) for benchmarks: the same seed builds the same organization every run.
export function seeded(seed) {
  const rnd = () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    rnd,
    int: (n) => Math.floor(rnd() * n),
    /** Skewed towards the front: popular packages are on every host and in many advisories. */
    skewed: (n) => Math.floor(n * Math.pow(rnd(), 2.2)),
  };
}
