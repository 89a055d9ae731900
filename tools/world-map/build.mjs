// Vendors the status page's world map (no CDN, no npm at run time): reads the country shapes of @svg-maps/world
// (Victor Cazanave, CC BY 4.0, ids are ISO 3166-1 alpha-2), simplifies each outline (Douglas-Peucker, then integer
// coordinates) and writes services/Outage.Host/wwwroot/world-map.json: { viewBox, attribution, countries: [{ id, name, d }] }.
// The source is 1.2 MB of path data; the page needs a map to colour, not a survey: the result is about 94 KiB.
// Run: npm ci && node build.mjs (or --check: exit 1 when the vendored file is not what this makes).
import fs from 'node:fs';
import path from 'node:path';
import map from '@svg-maps/world';

const TOLERANCE = 0.35; // viewBox units (the map is 1010 wide, drawn about 960 px): invisible at that size
const output = path.resolve(import.meta.dirname, '../../services/Outage.Host/wwwroot/world-map.json');

/** The subpaths of a path of relative moves and lines ("m dx,dy dx,dy ... z"), as absolute points. */
function subpaths(d) {
  const rings = [];
  let x = 0, y = 0, ring = null;
  for (const [, command, args] of d.matchAll(/([mMzZ])([^mMzZ]*)/g)) {
    if (command === 'z' || command === 'Z') { if (ring) rings.push(ring); ring = null; continue; }
    const numbers = args.trim().split(/[\s,]+/).filter(Boolean).map(Number);
    ring = [];
    for (let i = 0; i + 1 < numbers.length; i += 2) {
      if (command === 'M' && i === 0) { x = numbers[0]; y = numbers[1]; } else { x += numbers[i]; y += numbers[i + 1]; }
      ring.push([x, y]);
    }
  }
  if (ring) rings.push(ring);
  return rings;
}

function simplify(points, tolerance) {
  if (points.length < 3) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop();
    const [ax, ay] = points[first], [bx, by] = points[last];
    const length = Math.hypot(bx - ax, by - ay) || 1e-9;
    let worst = -1, index = -1;
    for (let i = first + 1; i < last; i++) {
      const [px, py] = points[i];
      const distance = Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length;
      if (distance > worst) { worst = distance; index = i; }
    }
    if (worst > tolerance) { keep[index] = 1; stack.push([first, index], [index, last]); }
  }
  return points.filter((_, i) => keep[i]);
}

/** A ring in integer coordinates, relative after the first point; null when it shrinks below a unit. */
function ringPath(points, scale) {
  const q = points.map(([x, y]) => [Math.round(x * scale), Math.round(y * scale)])
    .filter((p, i, all) => i === 0 || p[0] !== all[i - 1][0] || p[1] !== all[i - 1][1]);
  if (q.length < 3) return null;
  let d = `M${q[0][0]} ${q[0][1]}`, [px, py] = q[0];
  for (const [x, y] of q.slice(1)) { d += `l${x - px} ${y - py}`; [px, py] = [x, y]; }
  return d.replace(/ -/g, '-') + 'z';
}

const SCALE = 2; // half-unit precision, written as integers
const TINY_SCALE = 10; // a country that vanishes at SCALE is kept at a tenth of a unit, drawn with its own transform
const countries = [];
for (const location of map.locations) {
  const id = location.id.toUpperCase();
  if (!/^[A-Z]{2}$/.test(id)) continue; // the US minor outlying islands come as um-xx: too small to colour apart
  const rings = subpaths(location.path);
  const parts = rings.map(r => ringPath(simplify(r, TOLERANCE), SCALE)).filter(Boolean);
  if (parts.length > 0) {
    countries.push({ id, name: location.name, d: parts.join('') });
  } else {
    // Too small to survive (Monaco, Nauru): its largest ring at a finer scale, so that it can still be seen and found.
    const largest = rings.reduce((a, b) => (b.length > a.length ? b : a));
    countries.push({ id, name: location.name, d: ringPath(largest, TINY_SCALE) ?? '', scale: TINY_SCALE });
  }
}

const result = {
  viewBox: map.viewBox.split(' ').map((v, i) => i < 2 ? Number(v) : Number(v) * SCALE).join(' '),
  scale: SCALE,
  attribution: 'Country shapes: @svg-maps/world by Victor Cazanave, CC BY 4.0 (https://github.com/VictorCazanave/svg-maps)',
  countries,
};
const json = JSON.stringify(result) + '\n';
if (process.argv.includes('--check')) {
  // tools/test.sh: the vendored file must be what this script makes of the pinned package.
  const same = fs.existsSync(output) && fs.readFileSync(output, 'utf8') === json;
  console.log(same ? `world-map.json is up to date (${countries.length} countries)` : 'world-map.json differs from what tools/world-map/build.mjs makes: run it');
  process.exit(same ? 0 : 1);
}
fs.writeFileSync(output, json);
console.log(`${countries.length} countries (${countries.filter(c => c.scale).length} tiny), ${(fs.statSync(output).size / 1024).toFixed(0)} KiB -> ${path.relative(process.cwd(), output)}`);
