"""Regenerates the NumPy reference files of dlm.runtime.io's tests (NpyTest, NpzTest, CheckpointTest):
    cd runtime/src/test/resources/dlm/runtime/io && python3 make_reference.py
Needs only numpy; the files it writes are committed, so the tests never run Python.

npy/<dtype>_<shape>.npy   numpy.save of values(dtype, n) (formula repeated in NpyTest.values)
npy/*.npy (others)        variants NumPy can produce: big-endian, Fortran order, versions 2.0/3.0, text
headers.txt               descr|shape|hex of the full header numpy writes, for many shapes
savez.npz, savez_compressed.npz, numpy_checkpoint.npz   archives written by numpy
"""
import io
import json
import os
import numpy as np

try:
    from numpy.lib._format_impl import _write_array_header
except ImportError:  # numpy < 2
    from numpy.lib.format import _write_array_header

NAMES = {'bool': 'bool', 'u8': 'uint8', 'i32': 'int32', 'i64': 'int64', 'f16': 'float16', 'f32': 'float32', 'f64': 'float64'}
SHAPES = [(), (5,), (2, 3), (2, 3, 4), (2, 1, 3, 2), (0,), (2, 0, 3)]


def values(dtype, n):
    i = np.arange(n, dtype=np.int64)
    if dtype == 'bool':
        return i % 3 == 0
    if dtype == 'u8':
        return ((i * 37) % 256).astype(np.uint8)
    if dtype == 'i32':
        return (i * 1000 - 7).astype(np.int32)
    if dtype == 'i64':
        return i * 1000000000000 - 5
    if dtype == 'f16':
        return ((i - 2.5) / 4).astype(np.float16)
    return ((i - 2.5) / 3).astype(NAMES[dtype])


def shape_name(shape):
    return 'x'.join(map(str, shape)) if shape else 'scalar'


def main():
    os.makedirs('npy', exist_ok=True)
    for dt in NAMES:
        for shape in SHAPES:
            a = values(dt, int(np.prod(shape))).reshape(shape)
            np.save(f'npy/{dt}_{shape_name(shape)}.npy', a)

    # Variants we must read but never write.
    a = values('f32', 6).reshape(2, 3)
    np.save('npy/big_endian_f32_2x3.npy', a.astype('>f4'))
    np.save('npy/big_endian_i64_5.npy', values('i64', 5).astype('>i8'))
    np.save('npy/fortran_f64_2x3.npy', np.asfortranarray(values('f64', 6).reshape(2, 3)))
    np.save('npy/fortran_i32_2x3x4.npy', np.asfortranarray(values('i32', 24).reshape(2, 3, 4)))
    for version in [(2, 0), (3, 0)]:
        with open(f'npy/v{version[0]}_f32_2x3.npy', 'wb') as f:
            np.lib.format.write_array(f, a, version=version)
    np.save('npy/text.npy', np.array('héllo wörld 😀'))

    # Header bytes for many shapes, including ones where the padding lands exactly on 64.
    with open('headers.txt', 'w') as out:
        shapes = list(SHAPES) + [(n,) for n in (1, 9, 10, 99, 100, 12345, 2147483647)]
        shapes += [(784, 512), (60000, 28, 28), (1,) * 9, (1,) * 10, (1,) * 11, (1,) * 30, (3,) * 32, (1000000, 3, 7)]
        for descr in ['|b1', '|u1', '<i4', '<i8', '<f2', '<f4', '<f8', '<U5']:
            for shape in shapes:
                buf = io.BytesIO()
                _write_array_header(buf, {'descr': descr, 'fortran_order': False, 'shape': shape})
                out.write(f"{descr}|{','.join(map(str, shape))}|{buf.getvalue().hex()}\n")

    arrays = {
        'hidden.W': values('f32', 12).reshape(3, 4),
        'hidden.b': values('f32', 4),
        'optimizer/hidden.W/m': values('f64', 12).reshape(3, 4),
        'labels': values('u8', 7),
        'step': np.int64(1234),
        'mask': values('bool', 5),
    }
    np.savez('savez.npz', **arrays)
    np.savez_compressed('savez_compressed.npz', **arrays)

    meta = {'model': 'Mnist', 'step': '1200', 'epoch': '3', 'note': 'naïve ✓'}
    np.savez('numpy_checkpoint.npz', **{
        '__metadata__': np.array(json.dumps(meta, ensure_ascii=False)),
        'hidden.W': values('f32', 12).reshape(3, 4),
        'hidden.b': values('f32', 4),
        'optimizer/hidden.W/m': values('f32', 12).reshape(3, 4),
        'optimizer/iterations': np.array(7, dtype=np.int64),
    })


if __name__ == '__main__':
    main()
