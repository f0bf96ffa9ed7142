//! kaohe-store (work in progress).
