// Redis formats doubles with printf("%.17g") (Redis 7.0 addReplyDouble) and infinities as "inf"/"-inf".

/** printf("%.<precision>g", value) for finite values, plus Redis's inf/-inf/nan spellings. */
export function formatG(value: number, precision = 17): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exp = Number(value.toExponential(precision - 1).split('e')[1]);
  if (exp < -4 || exp >= precision) {
    const [mantissa, e] = value.toExponential(precision - 1).split('e') as [string, string];
    const expNum = Number(e);
    const expStr = `${expNum < 0 ? '-' : '+'}${String(Math.abs(expNum)).padStart(2, '0')}`;
    return `${stripZeros(mantissa)}e${expStr}`;
  }
  return stripZeros(value.toFixed(Math.max(0, precision - 1 - exp)));
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  s = s.replace(/0+$/, '');
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

/** The reply text of a double score/value as redis-server 7.0 sends it. */
export function formatDouble(value: number): string {
  return formatG(value, 17);
}
