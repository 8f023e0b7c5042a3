/**
 * Queries whose answers differ between Prometheus 2.42 (the reference installed from Debian) and
 * Kansoku, which follows Prometheus 3.x semantics. Each entry names the reason; the test reports
 * them as skipped so they stay visible in the output.
 */
const SUBQUERY_LEFT_OPEN =
  'Prometheus 3 subquery ranges are left-open: the step at exactly t-range is excluded (2.x includes it)';
const UTF8_LABELS =
  'Prometheus 3 accepts any UTF-8 label name, so "~invalid" is valid (2.x rejects it)';

export const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  'max_over_time((time() - max(demo_batch_last_success_timestamp_seconds) < 1000)[5m:10s] offset 5m)':
    SUBQUERY_LEFT_OPEN,
  'avg_over_time(rate(demo_cpu_usage_seconds_total[1m])[2m:10s])': SUBQUERY_LEFT_OPEN,
  'max_over_time(rate(demo_cpu_usage_seconds_total[1m])[10m:1m])': SUBQUERY_LEFT_OPEN,
  'avg_over_time(demo_memory_usage_bytes[10m:30s])': SUBQUERY_LEFT_OPEN,
  'label_replace(demo_num_cpus, "~invalid", "", "src", "(.*)")': UTF8_LABELS,
  'label_join(demo_num_cpus, "~invalid", "-", "instance")': UTF8_LABELS,
  'holt_winters(demo_disk_usage_bytes[10m], 0.5, 0.5)':
    'Prometheus 3 renamed holt_winters to double_exponential_smoothing (behind the experimental-functions flag)',
};
