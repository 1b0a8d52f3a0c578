// Package schedule parses AWS schedule expressions and computes their
// firing times.
//
// Two dialects are accepted. [Parse] takes EventBridge rule expressions,
// evaluated in UTC:
//
//	cron(minutes hours day-of-month month day-of-week year)
//	rate(value unit)
//
// [ParseScheduler] takes EventBridge Scheduler expressions, which add the
// one-time at(yyyy-mm-ddThh:mm:ss) form and an IANA time zone in which cron
// and at are evaluated.
//
// # Cron
//
// Six fields separated by spaces:
//
//	Minutes       0-59              , - * /
//	Hours         0-23              , - * /
//	Day-of-month  1-31              , - * ? / L W
//	Month         1-12 or JAN-DEC   , - * /
//	Day-of-week   1-7 or SUN-SAT    , - * ? L #
//	Year          1970-2199         , - * /
//
// Names are case-insensitive. Exactly one of day-of-month and day-of-week
// must be ?. A range may wrap (FRI-MON, 22-2). a/n means a, a+n, … up to
// the field's maximum; a-b/n steps within the range; */n starts at the
// field's minimum. In day-of-month, L is the last day, L-n the n-th day
// before it, nW the weekday nearest day n without leaving the month (1W on
// a Saturday is Monday the 3rd, 31W on a Sunday is Friday the 29th; a
// month shorter than n has no nW), and LW the last weekday. In
// day-of-week, nL is the last weekday n of the month (5L: last Thursday),
// L alone is Saturday (Quartz's reading), and n#k the k-th weekday n of the
// month (3#2: second Tuesday; a month without a fifth one is skipped); a
// field with # holds that one expression only.
//
// # Next
//
// [Schedule.Next] is computed field by field on the wall clock: it skips
// non-matching years, then months, days, hours and minutes, using bit sets,
// so its cost does not depend on how far away the next firing is. No
// firing lies after 2199; Next then returns the zero time.
//
// # Time zones and daylight saving
//
// A Scheduler cron is matched against the wall clock of its zone. A local
// time that a spring-forward gap skips does not fire, and a local time
// that a fall-back repeats fires once, at its first occurrence; both as
// AWS documents for EventBridge Scheduler ("your schedule invocation gets
// skipped if the cron expression falls on a non-existent date and time …
// your schedule runs only once"). A one-time at() whose local time falls in
// a gap fires at the end of the gap, the next valid instant (AWS does not
// document this case); in a repeated hour it fires at the first occurrence.
//
// # Rate
//
// A rate has no calendar: it fires at Anchor + k·Period for k ≥ 0. The
// anchor is the first firing; EventBridge starts counting when the rule is
// created, Scheduler at the schedule's StartDate, so the caller supplies it
// with [Anchored] or [NewRate]. A rate parsed without one is anchored at
// the Unix epoch. Scheduler rates are fixed durations (a day is 24 hours
// even across a DST change), as AWS documents.
//
// # Errors
//
// Errors are *gofaas.Error values with code EINVALID and type
// ValidationException: "Parameter ScheduleExpression is not valid." for
// rules, "Invalid Schedule Expression <expr>" for Scheduler.
package schedule
