import { systemRedactor } from '../metrics/scope.js';
import { endOf } from '../model/rules/expiry.js';
import type { HostEntry } from '../model/types.js';
import { judge, type AdmissionDecision, type AdmissionPolicy, type AdmissionSubject } from './admission.js';
import { HostLookup } from './lookup.js';
import type { ServedState } from './state.js';

/**
 * What the HTTP thread keeps of a served state: enough to decide every request on its own — who may see which host,
 * and the verdicts — without waiting for the thread that builds states and renders views. Plain data in between
 * (it is copied from the worker to the server thread), a few megabytes for 10,000 hosts.
 */
export interface AdmissionTableData {
  builtAt: string;
  commit: string | null;
  policy: AdmissionPolicy;
  systems: string[];
  hosts: Array<Pick<HostEntry, 'name' | 'address' | 'system' | 'mac_addresses'>>;
  subjects: AdmissionSubject[];
  /** When exceptions and approvals of the state expire (epoch ms): what the state shows changes then. */
  expiries: number[];
}

export function tableData(state: ServedState): AdmissionTableData {
  return {
    builtAt: state.builtAt,
    commit: state.commit,
    policy: state.policy,
    systems: [...state.input.model.systems.keys()],
    hosts: [...state.input.model.hosts.values()].map((h) => ({ name: h.name, address: h.address, system: h.system, ...(h.mac_addresses ? { mac_addresses: h.mac_addresses } : {}) })),
    subjects: [...state.subjects.values()],
    expiries: [...state.input.model.exceptions.values(), ...state.input.model.approvals.values()].flatMap((x) => (x.expires ? [endOf(x.expires)] : [])),
  };
}

export class AdmissionTable {
  readonly lookup: HostLookup;
  private readonly subjects: Map<string, AdmissionSubject>;
  private readonly systemOf: Map<string, string>;
  private readonly redactors = new Map<string, (text: string) => string>();

  constructor(readonly data: AdmissionTableData) {
    this.lookup = new HostLookup(data.hosts as HostEntry[]);
    this.subjects = new Map(data.subjects.map((s) => [s.host, s]));
    this.systemOf = new Map(data.hosts.map((h) => [h.name, h.system]));
  }

  system(host: string): string | undefined {
    return this.systemOf.get(host);
  }

  decide(host: string, now: Date): AdmissionDecision | undefined {
    const s = this.subjects.get(host);
    return s && judge(s, this.data.policy, now);
  }

  /** The redaction of `plumb report --system` (engine/metrics/scope.ts), for text this thread writes itself. */
  redact(system: string): (text: string) => string {
    let r = this.redactors.get(system);
    if (!r) {
      const model = { systems: new Map(this.data.systems.map((s) => [s, {}])), hosts: new Map(this.data.hosts.map((h) => [h.name, h])) };
      this.redactors.set(system, (r = systemRedactor(model as never, system)));
    }
    return r;
  }
}
