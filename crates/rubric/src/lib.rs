//! kaohe-rubric (work in progress).
