// Model providers behind one factory, so the CLI and the editor pick one by name:
// `simulated` (the default: no key, no network, deterministic per seed) or `openai` (any
// OpenAI-compatible endpoint through the official SDK).

import type { Provider } from '../provider.ts';
import { OpenAIProvider, type OpenAIOptions } from './openai.ts';
import { SimulatedProvider, type SimulatedOptions } from './simulated.ts';

export type ProviderName = 'simulated' | 'openai';
export type ProviderOptions = SimulatedOptions & OpenAIOptions;

export const PROVIDER_NAMES: readonly ProviderName[] = ['simulated', 'openai'];

export function createProvider(name: 'simulated', options?: SimulatedOptions): SimulatedProvider;
export function createProvider(name: 'openai', options?: OpenAIOptions): OpenAIProvider;
export function createProvider(name: ProviderName, options?: ProviderOptions): Provider;
export function createProvider(name: ProviderName, options: ProviderOptions = {}): Provider {
  switch (name) {
    case 'simulated':
      return new SimulatedProvider(options);
    case 'openai':
      return new OpenAIProvider(options);
    default:
      throw new Error(`unknown provider "${String(name)}" (expected ${PROVIDER_NAMES.join(' or ')})`);
  }
}

export { SimulatedProvider, type SimulatedOptions } from './simulated.ts';
export { OpenAIProvider, redact, retryAfter, strictCompatible, type OpenAIOptions } from './openai.ts';
export { VirtualClock, realClock } from './virtual-clock.ts';
export { FaultInjector, parseFaultSpec, type FaultKind, type FaultPlan, type FaultRates, type TargetedFault } from './faults.ts';
export { FixtureScript, loadFixtures, parseFixtures, type FixtureFile, type FixtureResponse } from './fixtures.ts';
export { generateValue, invalidValue, mulberry32, hashString, rngFor, type Rng } from './simulated-values.ts';
