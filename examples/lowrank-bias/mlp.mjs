// A bias-free ReLU MLP trained by full-batch gradient descent with heavy-ball momentum and (coupled)
// weight decay, written out by hand over Float32Arrays. Weights use the out-in layout: W_l is
// [out_l, in_l] and z = W_l a (rows of X are samples, so Z = A W_lᵀ).
import { normal } from './data.mjs';

/** out[i, j] = Σ_t A[i, t] B[j, t]: A (n x k), B (m x k) -> n x m. */
function mulABt(A, B, n, k, m, out) {
  for (let i = 0; i < n; i++) {
    const a = i * k;
    for (let j = 0; j < m; j++) {
      const b = j * k;
      let s = 0;
      for (let t = 0; t < k; t++) s += A[a + t] * B[b + t];
      out[i * m + j] = s;
    }
  }
  return out;
}

/** out[j, t] = Σ_i A[i, j] B[i, t]: A (n x m), B (n x k) -> m x k. */
function mulAtB(A, B, n, m, k, out) {
  out.fill(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const a = A[i * m + j];
      if (a === 0) continue;
      const o = j * k;
      const b = i * k;
      for (let t = 0; t < k; t++) out[o + t] += a * B[b + t];
    }
  return out;
}

/** out[i, t] = Σ_j A[i, j] B[j, t]: A (n x m), B (m x k) -> n x k. */
function mulAB(A, B, n, m, k, out) {
  out.fill(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const a = A[i * m + j];
      if (a === 0) continue;
      const o = i * k;
      const b = j * k;
      for (let t = 0; t < k; t++) out[o + t] += a * B[b + t];
    }
  return out;
}

export class MLP {
  /** sizes = [d_in, h_1, ..., C]; He initialisation from a seeded normal generator. */
  constructor(sizes, seed) {
    const g = normal(seed);
    this.sizes = sizes;
    this.W = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
      const scale = Math.sqrt(2 / fanIn);
      this.W.push(Float32Array.from({ length: fanOut * fanIn }, () => scale * g()));
    }
    this.velocity = this.W.map((w) => new Float32Array(w.length));
  }

  /** Activations of every layer (A[0] = X, A[L] = logits). */
  forward(X, n) {
    const A = [X];
    for (let l = 0; l < this.W.length; l++) {
      const [k, m] = [this.sizes[l], this.sizes[l + 1]];
      const Z = mulABt(A[l], this.W[l], n, k, m, new Float32Array(n * m));
      if (l + 1 < this.W.length) for (let i = 0; i < Z.length; i++) if (Z[i] < 0) Z[i] = 0;
      A.push(Z);
    }
    return A;
  }

  /** Mean cross-entropy, accuracy and the gradient of the data loss (no weight decay) for each W_l. */
  lossAndGradients(X, y, n) {
    const A = this.forward(X, n);
    const L = this.W.length;
    const C = this.sizes[L];
    const logits = A[L];
    let loss = 0;
    let correct = 0;
    let dZ = new Float32Array(n * C);
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      let arg = 0;
      for (let c = 0; c < C; c++) if (logits[i * C + c] > max) [max, arg] = [logits[i * C + c], c];
      if (arg === y[i]) correct++;
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(logits[i * C + c] - max);
      loss += Math.log(sum) + max - logits[i * C + y[i]];
      for (let c = 0; c < C; c++) dZ[i * C + c] = (Math.exp(logits[i * C + c] - max) / sum - (c === y[i] ? 1 : 0)) / n;
    }
    const grads = new Array(L);
    for (let l = L - 1; l >= 0; l--) {
      const [k, m] = [this.sizes[l], this.sizes[l + 1]];
      grads[l] = mulAtB(dZ, A[l], n, m, k, new Float32Array(m * k));
      if (l > 0) {
        const dA = mulAB(dZ, this.W[l], n, m, k, new Float32Array(n * k));
        for (let i = 0; i < dA.length; i++) if (A[l][i] <= 0) dA[i] = 0; // ReLU'
        dZ = dA;
      }
    }
    return { loss: loss / n, accuracy: correct / n, grads };
  }

  accuracy(X, y, n) {
    const A = this.forward(X, n);
    const C = this.sizes[this.sizes.length - 1];
    const logits = A[A.length - 1];
    let correct = 0;
    for (let i = 0; i < n; i++) {
      let arg = 0;
      for (let c = 1; c < C; c++) if (logits[i * C + c] > logits[i * C + arg]) arg = c;
      if (arg === y[i]) correct++;
    }
    return correct / n;
  }

  /** v ← β v + (∇L + λ W);  W ← W − η v. */
  step(grads, { lr, momentum, weightDecay }) {
    for (let l = 0; l < this.W.length; l++) {
      const [w, g, v] = [this.W[l], grads[l], this.velocity[l]];
      for (let i = 0; i < w.length; i++) {
        v[i] = momentum * v[i] + g[i] + weightDecay * w[i];
        w[i] -= lr * v[i];
      }
    }
  }

  /** The weights as weightscope matrices ([out, in]). */
  matrices() {
    return this.W.map((data, l) => ({ data, shape: [this.sizes[l + 1], this.sizes[l]] }));
  }
}
