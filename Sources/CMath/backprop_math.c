// Header-only module: see include/backprop_math.h.
