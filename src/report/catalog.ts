// Every per-layer column, by its JSON name, with what it means: the HTML report's legend, the CLI's
// --columns and README "JSON naming" all read this one list. Names are WeightWatcher's details() columns
// where WW has the quantity (formulas.md §1-§6), ours (snake_case) otherwise.

export interface ColumnInfo {
  /** JSON key (= table header, CSV column). */
  key: string;
  /** What the value is, in one line. */
  meaning: string;
  /** Column group, for the legend. */
  group: 'layer' | 'fit' | 'norms' | 'mp' | 'traps' | 'farms' | 'rank' | 'provenance';
}

export const COLUMNS: readonly ColumnInfo[] = [
  { key: 'layer_id', group: 'layer', meaning: 'position of the layer in model order (depth)' },
  { key: 'name', group: 'layer', meaning: 'tensor name as stored in the file' },
  { key: 'layer_type', group: 'layer', meaning: 'dense, conv2d, embedding, recurrent or other (from the file and the graph)' },
  { key: 'shape', group: 'layer', meaning: 'shape as analysed: (out, in) for dense; conv kernels in their layout' },
  { key: 'status', group: 'layer', meaning: "success, or failed: the fit cannot be trusted (see reason); failed layers are left out of the means" },
  { key: 'reason', group: 'layer', meaning: 'why a fit failed' },
  { key: 'warning', group: 'fit', meaning: 'over-trained (α < 2) or under-trained (α > 6); empty between 2 and 6' },
  { key: 'N', group: 'layer', meaning: 'larger dimension of the matrix (of one kh×kw slice for conv2d)' },
  { key: 'M', group: 'layer', meaning: 'smaller dimension: eigenvalues per matrix' },
  { key: 'Q', group: 'layer', meaning: 'aspect ratio N/M' },
  { key: 'rf', group: 'layer', meaning: 'receptive field: kh·kw slices pooled for conv2d, 1 otherwise' },
  { key: 'num_evals', group: 'layer', meaning: 'eigenvalues in the ESD (M·rf)' },
  { key: 'alpha', group: 'fit', meaning: 'power-law exponent α of the ESD tail λ ≥ xmin (Clauset MLE); 2-6 is the well-trained range' },
  { key: 'alpha_weighted', group: 'fit', meaning: 'α·log10 λ_max (WeightWatcher\'s alphahat)' },
  { key: 'D', group: 'fit', meaning: 'Kolmogorov-Smirnov distance between the tail and the fitted power law (smaller fits better)' },
  { key: 'xmin', group: 'fit', meaning: 'start of the fitted tail (chosen by the smallest D unless --xmin sets it)' },
  { key: 'xmax', group: 'fit', meaning: 'end of the fitted tail (largest eigenvalue kept)' },
  { key: 'sigma', group: 'fit', meaning: 'standard error of α: (α − 1)/√num_pl_spikes' },
  { key: 'num_pl_spikes', group: 'fit', meaning: 'eigenvalues in the fitted tail (λ ≥ xmin)' },
  { key: 'xmin_rule', group: 'fit', meaning: 'how xmin was chosen: ks, mid, peak or fixed' },
  { key: 'num_fingers', group: 'fit', meaning: 'top eigenvalues removed by fix_fingers clip_xmax' },
  { key: 'raw_alpha', group: 'fit', meaning: 'α before fix_fingers' },
  { key: 'lambda_max', group: 'norms', meaning: 'largest eigenvalue λ_max of WᵀW (= σ_max²)' },
  { key: 'sv_max', group: 'norms', meaning: 'largest singular value σ_max' },
  { key: 'sv_min', group: 'norms', meaning: 'smallest singular value' },
  { key: 'norm', group: 'norms', meaning: 'Σλ = ‖W‖_F²' },
  { key: 'log_norm', group: 'norms', meaning: 'log10 ‖W‖_F²' },
  { key: 'spectral_norm', group: 'norms', meaning: 'λ_max = ‖W‖₂²' },
  { key: 'log_spectral_norm', group: 'norms', meaning: 'log10 λ_max' },
  { key: 'log_alpha_norm', group: 'norms', meaning: 'log10 Σ λ^α' },
  { key: 'stable_rank', group: 'norms', meaning: '‖W‖_F² / ‖W‖₂² = Σλ / λ_max' },
  { key: 'matrix_rank', group: 'norms', meaning: 'singular values above σ_max·N·eps' },
  { key: 'rank_loss', group: 'norms', meaning: 'singular values below the matrix_rank tolerance (summed over conv slices)' },
  { key: 'weak_rank_loss', group: 'norms', meaning: 'eigenvalues below 1e-6' },
  { key: 'entropy', group: 'norms', meaning: 'spectral entropy −Σ p ln p / ln rank, p = λ/Σλ' },
  { key: 'detX_num', group: 'norms', meaning: 'eigenvalues in the detX = 1 tail (WeightWatcher detX_constraint)' },
  { key: 'detX_val', group: 'norms', meaning: 'eigenvalue at the detX = 1 boundary' },
  { key: 'num_spikes', group: 'mp', meaning: 'eigenvalues above the Marchenko-Pastur bulk edge λ+ plus the Tracy-Widom width' },
  { key: 'sigma_mp', group: 'mp', meaning: 'fitted MP σ (eigenvalues rescaled to mean 1)' },
  { key: 'mp_softrank', group: 'mp', meaning: 'λ+ / λ_max: MP bulk edge over the largest eigenvalue (small = strong spikes)' },
  { key: 'bulk_min', group: 'mp', meaning: 'MP bulk lower edge λ−' },
  { key: 'bulk_max', group: 'mp', meaning: 'MP bulk upper edge λ+' },
  { key: 'W_scale', group: 'mp', meaning: 'MP rescaling factor √(n/Σλ)' },
  { key: 'rand_num_spikes', group: 'traps', meaning: 'correlation traps: eigenvalues of the shuffled W above its MP edge (0 expected)' },
  { key: 'rand_sigma_mp', group: 'traps', meaning: 'MP σ of the shuffled W' },
  { key: 'rand_mp_softrank', group: 'traps', meaning: 'MP soft rank of the shuffled W' },
  { key: 'rand_bulk_min', group: 'traps', meaning: 'MP λ− of the shuffled W' },
  { key: 'rand_bulk_max', group: 'traps', meaning: 'MP λ+ of the shuffled W' },
  { key: 'max_rand_eval', group: 'traps', meaning: 'largest eigenvalue of the shuffled W' },
  { key: 'rand_distance', group: 'traps', meaning: 'Jensen-Shannon distance between the ESDs of W and of the shuffled W' },
  { key: 'ww_softrank', group: 'traps', meaning: 'max λ of the shuffled W / λ_max' },
  { key: 'ww_maxdist', group: 'traps', meaning: 'λ_max − max λ of the shuffled W' },
  { key: 'rand_mp_ks_D', group: 'traps', meaning: 'KS distance of the shuffled ESD from its MP fit (our addition)' },
  { key: 'rand_mp_ks_pvalue', group: 'traps', meaning: 'p-value of that KS test' },
  { key: 'farms_alpha', group: 'farms', meaning: 'FARMS α: power-law fit of the ESD of fixed-aspect-ratio submatrices' },
  { key: 'farms_D', group: 'farms', meaning: 'KS distance of the FARMS fit' },
  { key: 'effective_rank', group: 'rank', meaning: 'exp(entropy of σ/Σσ) (Roy & Vetterli)' },
  { key: 'participation_ratio', group: 'rank', meaning: '(Σλ)² / Σλ²' },
  { key: 'numerical_rank', group: 'rank', meaning: 'singular values above max(m, n)·eps·σ_max (numpy matrix_rank)' },
  { key: 'energy_rank90', group: 'rank', meaning: 'fewest singular values holding 90% of Σσ²' },
  { key: 'has_esd', group: 'provenance', meaning: 'whether the eigenvalues were computed' },
  { key: 'route', group: 'provenance', meaning: 'how the eigenvalues were computed (LAPACK/cuSOLVER routine)' },
  { key: 'dtype', group: 'provenance', meaning: 'precision the eigenvalues were computed in' },
];

const BY_KEY = new Map(COLUMNS.map((c) => [c.key, c]));

export function columnInfo(key: string): ColumnInfo | undefined {
  return BY_KEY.get(key);
}
