/**
 * Every annotation format the data readers take (lib/data/readers): RA-RFT records, ActivityNet Captions, Time-R1's
 * TVGBench and train_2k5 lists (JSON), and Charades-STA lines with the Charades_v1 csv of durations (text). Small
 * valid files are mutated as JSON, bytes or lines. A correct result: every item's span is a pair of finite numbers
 * in order (the readers swap reversed spans by default), and the record indices point into the file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { readActivityNet } from '../../../lib/data/readers/activitynet.js';
import { readCharadesSta } from '../../../lib/data/readers/charades-sta.js';
import { readRaRftRecords } from '../../../lib/data/readers/rarft-records.js';
import { readTimeR1Train } from '../../../lib/data/readers/timer1-train.js';
import { readTvgbench } from '../../../lib/data/readers/tvgbench.js';
import type { VtgItem } from '../../../lib/data/types.js';
import { chance, int, mutateBytes, mutateJsonText, mutateLines } from '../mutate.js';
import { type FuzzCase, defineTarget } from '../target.js';

const RARFT = [
  {
    video: 'videos/KWZSA.mp4',
    query_text: 'a person opens the door.',
    timestamp: [1.5, 4.25],
    duration: 12.5,
    GRPO: [
      { q: 'a person opens the door.', a: '<answer>1.50 to 4.25</answer>', r: true, c: [], difficulty: 'original' },
      { q: 'a dog opens the door.', a: '<answer>The video does not show a dog.</answer><correction>a person opens the door.</correction>', r: false, c: ['Entity Substitution/Object'], difficulty: 'hard' },
    ],
  },
  {
    video: '/abs/videos/b.mp4',
    query_text: 'someone sits down',
    timestamp: [],
    GRPO: [{ q: 'someone flies away', a: 'The video does not show flying.', r: false, difficulty: 'easy', q_origin: 'someone flies away quickly' }],
  },
];
const ACTIVITYNET = {
  v_abc: { duration: 82.73, timestamps: [[0.5, 10.2], [30, 82.73000000000003]], sentences: [' A man plays.', ' He stops.'] },
  v_def: { duration: 10, timestamps: [[9, 3]], sentences: ['reversed'] },
};
const TVGBENCH = [
  { path: './dataset/KWZSA.mp4', question: 'a person was sitting at a table.', answer: '13.4-28.1', start: null, end: null, duration: 30.12, qsemtype: 'Human Pose', source: './raw_data/Charades_sta_test.json', dataset_name: 'charades' },
  { path: './dataset/ego.mp4', question: 'where was the cup?', answer: '2-5.5', start: 100, end: 130, duration: 30, qsemtype: 'Object Location', source: './raw_data/ego4d_nlq_val.json' },
];
const TIMER1 = [
  { video: 'cosmo/abc.mp4', duration: 147.2, timestamp: [12.5, 30], sentence: 'a person cooks.', qid: 'q1', video_start: null, video_end: null, difficulty: 42 },
  { video: 'clip_00:00:39:000_00:01:24:700.mp4', duration: 45.7, timestamp: [3, 9], sentence: 'x', video_start: 39, video_end: 84.7 },
];
const CHARADES_TXT = 'AO8RW 0.0 6.9##a person is putting a book on a shelf.\nY6R7T 16.4 21.0##person opens the door.\nLEOL6 8 7##reversed row.\n';
const CHARADES_CSV = 'id,subject,scene,quality,relevance,verified,script,objects,descriptions,actions,length\nAO8RW,P1,Kitchen,6,7,Yes,"A person, with ""quotes""",book;shelf,"desc",c001 0.0 6.9,33.67\nY6R7T,P2,Hall,5,7,Yes,s,door,d,,21.5\nLEOL6,P3,Room,5,7,Yes,s,x,d,,12\n';

const FORMATS = ['rarft', 'activitynet', 'tvgbench', 'timer1', 'charades'] as const;
type Format = (typeof FORMATS)[number];

interface Case extends FuzzCase {
  format: Format;
  file: string;
  csv: string | null;
}

function read(c: Case): VtgItem[] {
  switch (c.format) {
    case 'rarft':
      return readRaRftRecords(c.file).items;
    case 'activitynet':
      return readActivityNet(c.file).items;
    case 'tvgbench':
      return readTvgbench(c.file).items;
    case 'timer1':
      return readTimeR1Train(c.file).items;
    default:
      return readCharadesSta(c.file, c.csv ? { durationsCsv: c.csv } : {}).items;
  }
}

export const target = defineTarget<null, Case>({
  async setup() {
    return null;
  },
  make(rng, _base, dir) {
    const format = FORMATS[int(rng, FORMATS.length)]!;
    const file = join(dir, format === 'charades' ? 'charades_sta.txt' : `${format}.json`);
    let csv: string | null = null;
    let how: string;
    if (format === 'charades') {
      how = chance(rng, 0.5) ? 'lines' : 'bytes';
      writeFileSync(file, how === 'lines' ? mutateLines(rng, CHARADES_TXT) : mutateBytes(rng, Buffer.from(CHARADES_TXT)));
      if (chance(rng, 0.6)) {
        csv = join(dir, 'Charades_v1.csv');
        writeFileSync(csv, chance(rng, 0.5) ? mutateLines(rng, CHARADES_CSV) : chance(rng, 0.5) ? mutateBytes(rng, Buffer.from(CHARADES_CSV)) : CHARADES_CSV);
      }
    } else {
      const doc = { rarft: RARFT, activitynet: ACTIVITYNET, tvgbench: TVGBENCH, timer1: TIMER1 }[format];
      how = chance(rng, 0.75) ? 'json' : 'bytes';
      writeFileSync(file, how === 'json' ? mutateJsonText(rng, doc) : mutateBytes(rng, Buffer.from(JSON.stringify(doc, null, 1))));
    }
    return { format, file, csv, names: [dir], mode: `${format}-${how}` };
  },
  run(c) {
    return read(c);
  },
  check(_c, result) {
    for (const item of result as VtgItem[]) {
      const s = item.span;
      if (s && !(Number.isFinite(s[0]) && Number.isFinite(s[1]) && s[0] <= s[1])) return `record ${item.recordIndex}: span ${JSON.stringify(s)}`;
      if (!(Number.isInteger(item.recordIndex) && item.recordIndex >= 0)) return `record index ${item.recordIndex}`;
      if (item.duration !== null && !(Number.isFinite(item.duration) && item.duration > 0)) return `record ${item.recordIndex}: duration ${item.duration}`;
    }
    return null;
  },
});
