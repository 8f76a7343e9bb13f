import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerImport(program: Command): void {
  const imp = program.command('import');
  imp
    .command('scap')
    .description('write a baseline from a SCAP source data stream profile (XCCDF rules, values, OVAL checks)')
    .argument('<datastream>', 'a SCAP 1.3 source data stream, e.g. /usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml')
    .option('--profile <id>', 'the XCCDF profile to import (full id, or the part after content_profile_)')
    .option('--tailoring <file>', 'an XCCDF 1.2 tailoring file (as oscap --tailoring-file reads): its profiles select more or fewer rules and refine values')
    .option('--out <file>', 'write the baseline here (baselines/NAME.yaml); without it the YAML goes to standard output')
    .option('--name <name>', 'the baseline\'s name (default: the --out file name, else ssg-<product>-<profile>)')
    .option('--platform-versions <range>', "the OS versions the baseline applies to, e.g. '>= 11' (default: the benchmark's CPE, '= 11')")
    .option('--list-profiles', 'list the profiles of the data stream (and tailoring) and stop')
    .option('--json', 'print the import report (mapped and unmapped rules) as JSON')
    .addHelpText(
      'after',
      `
Every rule the profile selects is read from its own OVAL check. Rules whose check is a package
installed or removed, a keyword's value in a config file (sshd_config …), a sysctl (running and
persisted), a file's owner, group or "mode or stricter", a service enabled or masked, or a kernel
module disabled become baseline items. The rest are listed with the reason, and written under
unmapped: in the baseline. Each item keeps its provenance under scap.rules: the XCCDF rule id, its
CCE, the NIST SP 800-53 controls it cites, and the data stream and benchmark version. Values the
profile (or tailoring) refines are used. The data stream is parsed without a DTD: a DOCTYPE or an
entity is refused (E_SCAP_CONTENT).

Exit codes: 0 imported (also with unmapped rules), 1 error (unreadable content, unknown profile).

Examples:
  plumb import scap /usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml --list-profiles
  plumb import scap /usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml --profile standard \\
      --out baselines/ssg-debian11-standard.yaml
  plumb import scap ssg-debian11-ds.xml --profile anssi_np_nt28_minimal --platform-versions '>= 11' --json`,
    )
    .action(lazy(() => import('./action.js'), 'importScapAction'));
}
