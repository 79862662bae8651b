// Printed before `npm run test:gpu` and `npm run bench:gpu`: which GPU they will use, or why none.
import { backends } from '../dist/index.js';

const cuda = backends().cuda;
if (cuda.available) {
  const d = cuda.devices[0];
  console.log(`GPU: ${d.name}, ${(d.memoryTotal / 2 ** 30).toFixed(1)} GiB, compute capability ${d.computeCapability}; ` +
    `CUDA runtime ${cuda.runtimeVersion}, driver ${cuda.driverVersion}, cuSOLVER ${cuda.cusolverVersion} (${cuda.libraryPaths.cusolver})`);
} else {
  console.log(`no usable GPU (${cuda.stage}): ${cuda.reason}\nThe GPU suite is skipped; \`npm test\` runs it on the CUDA stand-in (test/19-cuda-mock.test.ts).`);
}
