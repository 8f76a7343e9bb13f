/** What test/lab/global-setup.ts provides to test files (`inject('plumbLab')`). */
export type LabContext =
  | { available: false; reason: string }
  | {
      available: true;
      /** The lab of this test run: `test` unless another live run holds it (then `test-2` …). */
      name: string;
      /** How many hosts it has ($PLUMB_LAB_HOSTS, default 4). */
      hosts: number;
      /** Marks the lab as this run's in lab.json, so that parallel workers share one lab. */
      owner: string;
      stateDir: string;
      cacheDir: string;
    };

declare module 'vitest' {
  export interface ProvidedContext {
    plumbLab: LabContext;
  }
}
