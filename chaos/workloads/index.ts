import type { WorkloadName } from '../options.js';
import { CounterWorkload } from './counter.js';
import { ListAppendWorkload } from './list-append.js';
import { RegisterWorkload } from './register.js';
import { SetWorkload } from './set.js';
import type { Workload } from './workload.js';

export function makeWorkload(name: WorkloadName): Workload {
  switch (name) {
    case 'register':
      return new RegisterWorkload();
    case 'set':
      return new SetWorkload();
    case 'counter':
      return new CounterWorkload();
    case 'list-append':
      return new ListAppendWorkload();
  }
}
