import { PlumbError } from './base.js';

/** SCAP content (a data stream or tailoring file) that cannot be used: not XML, hostile, or not the shape SCAP 1.3 gives it. */
export class ScapContentInvalid extends PlumbError {
  constructor(file: string, reason: string) {
    super('E_SCAP_CONTENT', `${file}: ${reason}`, {
      hint: 'give a SCAP 1.3 source data stream (e.g. /usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml from Debian\'s ssg-debian)',
      data: { file, reason },
    });
  }
}

/** The profile asked for is not in the benchmark (or the tailoring). */
export class ScapUnknownProfile extends PlumbError {
  constructor(id: string, known: string[]) {
    super('E_SCAP_PROFILE', `no profile '${id}' in the benchmark`, {
      hint: known.length ? `profiles: ${known.join(', ')}` : 'the benchmark declares no profile',
      data: { id, known },
    });
  }
}
