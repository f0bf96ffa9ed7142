//! kaohe-demo (work in progress).
