// Bundled in place of src/adapters/otel.ts for the cold-start contestant "jobwrap without the
// tracing hook": the same handler with no attempt to load `@opentelemetry/api`, so that the
// bench shows what the hook costs a cold start where the package is absent (issue 16: ≤ 5%).
export function openTelemetry(): undefined {
  return undefined;
}
