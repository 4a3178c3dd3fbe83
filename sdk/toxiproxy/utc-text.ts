// UTC timestamps as text, computed from Date.now() without a Date object: the first Date a Node process makes
// sets up V8's date cache with ICU's time-zone data, about 0.8 MB resident that this server needs for nothing
// else (it answers every API request with a Date header and stamps every log line).

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

interface Civil {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 is Sunday. */
  weekday: number;
}

/** The UTC calendar fields of `ms` since the epoch (days to a date by H. Hinnant's `civil_from_days`). */
function civil(ms: number): Civil {
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86400);
  const inDay = seconds - days * 86400;
  const z = days + 719468; // days since 0000-03-01
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const m = Math.floor((5 * dayOfYear + 2) / 153); // 0 is March
  const month = m < 10 ? m + 3 : m - 9;
  return {
    year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0),
    month,
    day: dayOfYear - Math.floor((153 * m + 2) / 5) + 1,
    hour: Math.floor(inDay / 3600),
    minute: Math.floor(inDay / 60) % 60,
    second: inDay % 60,
    weekday: (((days + 4) % 7) + 7) % 7, // 1970-01-01 was a Thursday
  };
}

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** RFC 9110's IMF-fixdate, as an HTTP Date header: "Sun, 06 Nov 1994 08:49:37 GMT". */
export function httpDate(ms: number = Date.now()): string {
  const c = civil(ms);
  return `${WEEKDAYS[c.weekday]}, ${two(c.day)} ${MONTHS[c.month - 1]} ${c.year} ${two(c.hour)}:${two(c.minute)}:${two(c.second)} GMT`;
}

/** RFC 3339 to the second, in UTC: "1994-11-06T08:49:37Z". */
export function isoSeconds(ms: number = Date.now()): string {
  const c = civil(ms);
  return `${String(c.year).padStart(4, "0")}-${two(c.month)}-${two(c.day)}T${two(c.hour)}:${two(c.minute)}:${two(c.second)}Z`;
}
