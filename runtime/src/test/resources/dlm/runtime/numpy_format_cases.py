"""Regenerates numpy_format_cases.txt, the golden cases of TensorFormatNumpyCasesTest:
    python3 numpy_format_cases.py 42 numpy_format_cases.txt
NumPy's repr/str of assorted arrays, with the repr's suffix rewritten by DLM's rules (DLM dtype
names; i32, f32 and bool implied; no shape= on summarized arrays). One case a line:
dtype|shape|values (hex bits for floats, decimal otherwise)|repr|str, newlines written as \\n."""
import sys
import numpy as np

DLM = {'bool': 'bool', 'uint8': 'u8', 'int32': 'i32', 'int64': 'i64',
       'float16': 'f16', 'float32': 'f32', 'float64': 'f64'}
BITS = {'float16': np.uint16, 'float32': np.uint32, 'float64': np.uint64}

def dlm_repr(a):
    name = DLM[a.dtype.name]
    prefix = 'array('
    body = np.array2string(a, separator=', ', prefix=prefix, suffix=')') if a.size else '[]'
    extras = []
    if a.size == 0 and a.ndim != 1:
        extras.append(f'shape={a.shape}')
    implied = name == 'f32' if a.size == 0 else name in ('i32', 'f32', 'bool')
    if not implied:
        extras.append(f'dtype={name}')
    if not extras:
        return prefix + body + ')'
    head = prefix + body + ','
    tail = ', '.join(extras) + ')'
    last = len(head) - (head.rfind('\n') + 1)
    spacer = '\n' + ' ' * len(prefix) if last + len(tail) + 1 > 75 else ' '
    return head + spacer + tail

def values(a):
    flat = a.ravel()
    if a.dtype.name in BITS:
        return ' '.join(f'{int(b):x}' for b in flat.view(BITS[a.dtype.name]))
    return ' '.join(str(int(v)) for v in flat)

def line(a):
    esc = lambda s: s.replace('\n', '\\n')
    shape = ','.join(map(str, a.shape))
    return f'{DLM[a.dtype.name]}|{shape}|{values(a)}|{esc(dlm_repr(a))}|{esc(str(a))}'

def summarized(rng):
    yield rng.integers(0, 10, 1001).astype(np.uint8)
    yield rng.standard_normal((40, 40)).astype(np.float32)
    yield rng.integers(-5, 5, (10, 10, 11)).astype(np.int32)
    yield (rng.random((3, 400)) < 0.5)
    yield rng.standard_normal((1001, 1)) * 1e-6

def cases(rng):
    shapes = [(), (1,), (5,), (30,), (3, 4), (2, 3, 4), (2, 2, 2, 2), (0,), (2, 0), (7, 1), (1, 9)]
    for shape in shapes:
        n = int(np.prod(shape))
        yield rng.integers(0, 256, n).astype(np.uint8).reshape(shape)
        yield rng.integers(-1000, 1000, n).astype(np.int32).reshape(shape)
        yield rng.integers(-2**62, 2**62, n).astype(np.int64).reshape(shape)
        yield (rng.random(n) < 0.5).reshape(shape)
        for dt in (np.float16, np.float32, np.float64):
            yield rng.integers(-20, 20, n).astype(dt).reshape(shape)
            yield rng.standard_normal(n).astype(dt).reshape(shape)
            yield (rng.standard_normal(n) * 10.0 ** rng.integers(-6, 6)).astype(dt).reshape(shape)
            yield (rng.random(n) * 1e-5).astype(dt).reshape(shape)
            yield (np.exp(rng.standard_normal(n) * 8)).astype(dt).reshape(shape)
            x = (rng.standard_normal(n) * 100).round(2).astype(dt)
            if n > 2:
                x[0], x[1], x[-1] = np.nan, -np.inf, np.inf
            yield x.reshape(shape)
            if dt != np.float16:
                bits = BITS[np.dtype(dt).name]
                r = rng.integers(0, np.iinfo(np.int64).max, n).astype(bits).view(dt)
                yield np.where(np.isfinite(r), r, 0).astype(dt).reshape(shape)

rng = np.random.default_rng(int(sys.argv[1]))
with open(sys.argv[2], 'w') as f:
    for a in list(cases(rng)) + list(summarized(rng)):
        f.write(line(a) + '\n')
    for extra in [np.array([-0.0, 1.0]), np.array([np.nan, np.inf]), np.array([np.nan, -np.inf], np.float32),
                  np.float32([1.5e-10, 1.0726176e-10]), np.float32([0, 1.5e-10]), np.array([1e-300, 1]),
                  np.float32([0.1, 1e6, 2]), np.float16([0.1, 100, 2]), np.float16([65504, -65504]),
                  np.array([True]), np.array(True), np.array(12), np.array(2.5, np.float32), np.array(1e20),
                  np.arange(24, dtype=np.int32).reshape(2, 3, 4), np.arange(30, dtype=np.int32)]:
        f.write(line(extra) + '\n')
