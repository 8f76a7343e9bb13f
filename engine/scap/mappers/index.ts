import type { Mapper } from '../mapping.js';
import { fileMapper } from './file.js';
import { kernelModuleMapper } from './kernel-module.js';
import { packageMapper } from './package.js';
import { serviceMapper } from './service.js';
import { settingMapper } from './setting.js';
import { sysctlMapper } from './sysctl.js';

/**
 * Every mapper, by hand, in the order they claim a rule's conjuncts: the specific shapes (a sysctl's running test
 * with its configuration tests, a service's tests) before the general ones (a single package or setting test).
 * mappers.test.ts checks the folder against this list and every mapper against the contract.
 */
export const MAPPERS: readonly Mapper[] = [sysctlMapper, serviceMapper, kernelModuleMapper, fileMapper, settingMapper, packageMapper];
