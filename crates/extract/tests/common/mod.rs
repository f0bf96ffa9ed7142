//! What the accuracy tests share: printing a per-element confusion table and judging it.

/// True/false positives and negatives of one element: (TP, FP, FN, TN).
pub type Counts = (u64, u64, u64, u64);

/// Prints precision, recall and share right per element, and returns the elements whose
/// precision or share right is below 0.95 (the threshold).
pub fn element_table<'a>(rows: impl IntoIterator<Item = (&'a str, &'a Counts)>) -> Vec<String> {
    println!(
        "{:<10} {:>4} {:>4} {:>4} {:>4} {:>9} {:>7} {:>7}",
        "要素", "TP", "FP", "FN", "TN", "precision", "recall", "right"
    );
    let mut failed = Vec::new();
    for (name, &(tp, fp, fn_, tn)) in rows {
        let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fn_);
        let right = ratio(tp + tn, tp + fp + fn_ + tn);
        println!(
            "{name:<10} {tp:>4} {fp:>4} {fn_:>4} {tn:>4} {precision:>9.3} {recall:>7.3} {right:>7.3}"
        );
        if precision < 0.95 || right < 0.95 {
            failed.push(name.to_string());
        }
    }
    failed
}
