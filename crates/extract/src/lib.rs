//! kaohe-extract (work in progress).
