// Expand an iCalendar file with ical.js, an iCalendar parser independent of
// Python's icalendar, and print every occurrence as JSON:
//   node expand.mjs FILE  ->  {"occurrences": [{uid, start, end, status, summary}], "warnings": []}
// Timed values are UTC instants ("2026-10-13T18:00:00Z"), all-day values dates.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const warnings = [];
console.warn = (...args) => warnings.push(args.join(" "));
console.error = (...args) => warnings.push(args.join(" "));

const LIMIT = 10000;

function when(time) {
  if (time.isDate) return time.toString();
  return time.toJSDate().toISOString().replace(".000Z", "Z");
}

const text = readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}

const masters = new Map();
const exceptions = [];
for (const vevent of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  if (event.isRecurrenceException()) exceptions.push(event);
  else masters.set(event.uid, event);
}
for (const exception of exceptions) {
  const master = masters.get(exception.uid);
  if (!master) throw new Error(`override without a series: ${exception.uid}`);
  master.relateException(exception);
}

const occurrences = [];
for (const event of masters.values()) {
  const push = (item, start, end) =>
    occurrences.push({
      uid: event.uid,
      start: when(start),
      end: when(end),
      status: item.component.getFirstPropertyValue("status"),
      summary: item.summary,
    });
  if (!event.isRecurring()) {
    push(event, event.startDate, event.endDate);
    continue;
  }
  const iterator = event.iterator();
  let next;
  let count = 0;
  while ((next = iterator.next())) {
    if (++count > LIMIT) throw new Error(`more than ${LIMIT} occurrences in ${event.uid}`);
    const details = event.getOccurrenceDetails(next);
    push(details.item, details.startDate, details.endDate);
  }
}
occurrences.sort((a, b) => (a.start + a.uid < b.start + b.uid ? -1 : 1));
process.stdout.write(JSON.stringify({ occurrences, warnings }));
