/**
 * A command line safe to record: passwords in URLs (`redis://:s3cret@host`, `postgres://user:pw@host`)
 * are replaced by `***`. The manifest, the Supabase run row, inspect, report and resume hints all
 * show the command as typed, so it is redacted once, where it is read.
 * @example redactCommandLine('backtest … --queue redis://:pw@q:6379') // 'backtest … --queue redis://:***@q:6379'
 */
export function redactCommandLine(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*):([^\s/@]*)@/gi, '$1$2:***@');
}
