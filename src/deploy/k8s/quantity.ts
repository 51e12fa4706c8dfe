/**
 * Kubernetes resource quantities (`250m`, `0.5`, `128Mi`, `1G`, `1e3`), read as the API server
 * reads them, so a request can be compared with its limit before `kubectl apply` refuses it.
 */
// Functions, not module constants, so that the mutation run measures them (see options.ts).
function quantity(): RegExp {
  return /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
}

function scale(): Record<string, number> {
  return {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
  };
}

/** The quantity's value in base units (cores, bytes), or undefined when it is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const match = quantity().exec(text);
  if (!match) return undefined;
  const suffix = match[2] ?? "";
  // E and Ei are exa and exbi, not an exponent: only e or E followed by digits is one.
  const scales = scale();
  const factor = Object.hasOwn(scales, suffix) ? scales[suffix]! : 10 ** Number(suffix.slice(1));
  return Number(match[1]) * factor;
}
