"""numpy references for the model and report layers: float decoding (numpy's float16 / bit shifts for
bfloat16), tfjs dequantisation, safetensors tensors (written here by hand from numpy arrays, read back),
JSON round trips and the log-spaced histogram."""
import base64
import json
import struct

import numpy as np

from oracle_common import Undefined


def o_half(a):
    return {'value': np.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float32).view(np.uint32).tolist()}


def o_decode(a):
    raw = base64.b64decode(a['b64'])
    n, dt = a['count'], a['dtype']
    if dt == 'float16':
        v = np.frombuffer(raw, '<f2', n).astype(np.float32)
    elif dt == 'bfloat16':
        v = (np.frombuffer(raw, '<u2', n).astype(np.uint32) << 16).view(np.float32)
    elif dt == 'float32':
        v = np.frombuffer(raw, '<f4', n)
    else:
        v = np.frombuffer(raw, '<f8', n)
    return {'value': np.ascontiguousarray(v).view(np.uint32).tolist()}


def o_dequantize(a):
    raw = base64.b64decode(a['b64'])
    q = np.frombuffer(raw, '<u1' if a['qdtype'] == 'uint8' else '<u2', a['count']).astype(np.float64)
    return {'value': (q * a['scale'] + a['min']).astype(np.float32).view(np.uint32).tolist()}


def o_safetensors(a):
    raw = base64.b64decode(a['file'])
    hlen = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + hlen])
    body = raw[8 + hlen:]
    out = []
    for name, meta in header.items():
        if name == '__metadata__':
            continue
        s, e = meta['data_offsets']
        dt = {'F32': '<f4', 'F64': '<f8', 'F16': '<f2'}[meta['dtype']]
        arr = np.frombuffer(body[s:e], dt).astype(np.float64)
        if not np.all(np.isfinite(arr)):
            raise Undefined('any', 'a non-finite tensor is skipped or refused', either=True)
        out.append({'name': name, 'shape': meta['shape'], 'data': arr.tolist()})
    out.sort(key=lambda t: t['name'])
    return {'value': {'read': out}}


def o_tojson(a):
    return {'value': json.loads(json.dumps(a['value']))}


def o_esdhist(a):
    # the report's ESD bins: the Freedman-Diaconis width (numpy's percentiles) on log10 values, at least 20
    # bins but at most max(8, n/2), never more than 200; counts by numpy.histogram on equal edges
    v = np.sort(np.log10(np.asarray(a['values'], dtype=np.float64)))
    n = v.size
    lo, hi = v[0], v[-1]
    q75, q25 = np.percentile(v, [75, 25])
    h = 2 * (q75 - q25) * n ** (-1 / 3)
    fd = int(np.ceil((hi - lo) / h)) if h > 0 and hi > lo else 1
    count = min(max(fd, 20), max(8, int(np.ceil(n / 2))), 200)
    counts, _ = np.histogram(v, bins=np.linspace(lo, hi, count + 1))
    return {'value': {'count': count, 'counts': counts.tolist()}}


def o_warning(a):
    x = a['alpha']
    return {'value': 'over-trained' if x < 2 else 'under-trained' if x > 6 else ''}


MODEL = {
    'halfToFloat': o_half,
    'decodeFloats': o_decode,
    'dequantize': o_dequantize,
    'safetensors': o_safetensors,
    'toJson': o_tojson,
    'esdHistogram': o_esdhist,
    'warningFor': o_warning,
}
