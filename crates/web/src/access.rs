//! The role rules, as plain functions every handler calls before it reads or changes anything.
//!
//! | role       | sees                         | may change                                   |
//! |------------|------------------------------|----------------------------------------------|
//! | admin      | everything                   | what an assessor may, and publish runs        |
//! | assessor   | everything                   | decisions, manual deductions, re-checks, runs |
//! | department | its own department only      | answers (fixed / appeal) on its own findings, |
//! |            |                              | its item-sorting table                        |
//! | viewer     | everything                   | nothing                                      |
//!
//! "Its own department" is the department a finding is charged to after the assessors'
//! decisions (a reassigned finding moves to the new department's view).

use store::Role;

use crate::WebError;
use crate::auth::Viewer;

/// Decides on findings, adds manual deductions, re-checks, starts runs.
pub fn require_review(v: &Viewer) -> Result<(), WebError> {
    match v.user.role {
        Role::Admin | Role::Assessor => Ok(()),
        _ => Err(WebError::Forbidden(format!(
            "{}不能复核或修改评估：需要评估人员或管理员账号",
            v.role_zh()
        ))),
    }
}

/// Publishes runs.
pub fn require_admin(v: &Viewer) -> Result<(), WebError> {
    match v.user.role {
        Role::Admin => Ok(()),
        _ => Err(WebError::Forbidden(format!(
            "{}不能发布评估：需要管理员账号",
            v.role_zh()
        ))),
    }
}

/// The one department a user is limited to, if any.
pub fn scope(v: &Viewer) -> Option<&str> {
    match v.user.role {
        Role::Department => v.user.department.as_deref(),
        _ => None,
    }
}

/// Whether the user may see what is charged to `department` (canonical name).
pub fn sees(v: &Viewer, department: &str) -> bool {
    match v.user.role {
        Role::Department => v.user.department.as_deref() == Some(department),
        _ => true,
    }
}

/// Refuses what is charged to another department.
pub fn require_sees(v: &Viewer, department: &str) -> Result<(), WebError> {
    if sees(v, department) {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "这条内容属于其他单位：部门账号只能查看本单位的问题、证据和导出".into(),
        ))
    }
}

/// A department's answer may only come from that department's own account.
pub fn require_answers_for(v: &Viewer, department: &str) -> Result<(), WebError> {
    match v.user.role {
        Role::Department if v.user.department.as_deref() == Some(department) => Ok(()),
        _ => Err(WebError::Forbidden(
            "只有被扣分单位的部门账号可以答复（整改完成或申诉）".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::User;

    fn viewer(role: Role, dept: Option<&str>) -> Viewer {
        Viewer {
            user: User {
                id: 1,
                login: "u".into(),
                display_name: "u".into(),
                role,
                department: dept.map(Into::into),
                password_hash: String::new(),
                disabled: false,
                created_at: String::new(),
            },
            csrf: "t".into(),
        }
    }

    #[test]
    fn each_role_gets_exactly_its_rights() {
        let admin = viewer(Role::Admin, None);
        let assessor = viewer(Role::Assessor, None);
        let dept = viewer(Role::Department, Some("教育局"));
        let ro = viewer(Role::Viewer, None);
        assert!(require_review(&admin).is_ok() && require_review(&assessor).is_ok());
        assert!(require_review(&dept).is_err() && require_review(&ro).is_err());
        assert!(require_admin(&admin).is_ok());
        assert!(require_admin(&assessor).is_err() && require_admin(&dept).is_err());
        assert!(sees(&dept, "教育局") && !sees(&dept, "民政局"));
        assert!(sees(&ro, "民政局") && sees(&assessor, "民政局"));
        assert_eq!(scope(&dept), Some("教育局"));
        assert_eq!(scope(&admin), None);
        assert!(require_answers_for(&dept, "教育局").is_ok());
        assert!(require_answers_for(&dept, "民政局").is_err());
        assert!(require_answers_for(&assessor, "教育局").is_err());
    }
}
