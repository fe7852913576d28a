import type { WatchConfig } from '../config/schema.ts';
import type { NetworkPolicy } from '../net/address-policy.ts';
import { urlProblem } from '../net/url-check.ts';

/** Field errors for feed URLs the network policy refuses, in the form's `path: message` shape. */
export function feedUrlErrors(def: WatchConfig, network: NetworkPolicy): string[] {
  const errors: string[] = [];
  def.feeds.forEach((url, i) => {
    const problem = urlProblem(url, network);
    if (problem) errors.push(`feeds.${i}: ${problem}`);
  });
  return errors;
}
