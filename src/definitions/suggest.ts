/**
 * "Did you mean …?" for names that do not resolve (CLI-11): the closest candidate by
 * edit distance (leven), when it is close enough to be a plausible typo.
 */
import leven from "leven";

/**
 * The candidate closest to `name`: a case-only difference first, else the smallest edit
 * distance of at most 2 (and at most a third of the name, so `a` does not suggest `b`
 * unless nothing else is near). Ties go to the alphabetically first. Undefined when none.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(2, Math.max(1, Math.ceil(name.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    // leven stops counting at maxDistance, so anything beyond the limit reads as limit + 1.
    const distance = candidate.toLowerCase() === name.toLowerCase() ? 0 : leven(name, candidate, { maxDistance: limit + 1 });
    if (distance > limit) continue;
    if (best === undefined || distance < best.distance || (distance === best.distance && candidate < best.name)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** `; did you mean 'x'?` or nothing: the tail of a "not found" message. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const closest = closestName(name, candidates);
  return closest === undefined ? "" : `; did you mean '${closest}'?`;
}
