"""A simulated BLAS kernel for the notebook tests (make test-kernels), never for learners.

Another CPU or BLAS library computes the same maths with other rounding: results differ in
their last bits. Outputs that a lesson prints must not depend on that. This IPython start-up
file (loaded only when IPYTHONDIR points here) perturbs every Cholesky factor and SVD that
numpy and scipy return by about PERTURB_SCALE (relative), deterministically: the noise is a
function of the input, so the same call gives the same answer twice, as on a real machine.
Everything lives in one function, so no name reaches the notebook's namespace.
"""


def __perturb_install():
    import os
    import zlib

    import numpy as np
    import scipy.linalg as sla

    seed = int(os.environ.get("PERTURB_SEED", "1"))
    scale = float(os.environ.get("PERTURB_SCALE", "1e-13"))

    def jitter(out, inp):
        out = np.asarray(out)
        if out.dtype.kind != "f":
            return out
        key = zlib.crc32(np.ascontiguousarray(inp).tobytes()) ^ seed
        noise = np.random.default_rng(key).standard_normal(out.shape)
        return out * (1 + scale * noise).astype(out.dtype)

    def wrap(f):
        def perturbed(a, *args, **kwargs):
            out = f(a, *args, **kwargs)
            return tuple(jitter(o, a) for o in out) if isinstance(out, tuple) else jitter(out, a)

        perturbed.__name__, perturbed.__doc__ = f.__name__, f.__doc__
        return perturbed

    np.linalg.cholesky = wrap(np.linalg.cholesky)
    sla.cholesky = wrap(sla.cholesky)
    sla.svd = wrap(sla.svd)


__perturb_install()
del __perturb_install
