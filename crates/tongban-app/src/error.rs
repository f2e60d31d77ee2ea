//! Errors of the use cases, each with a stable code and a message a user can act on.

use tongban_store::StoreError;

/// A problem with one input field, said in Chinese next to that field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The field, or a dotted path into a nested one (`materials.2.name`).
    pub field: std::borrow::Cow<'static, str>,
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input is wrong; `fields` says where and how to fix it.
    #[error("{message}")]
    Invalid {
        message: String,
        fields: Vec<FieldError>,
    },
    #[error("请先登录")]
    Unauthenticated,
    #[error("用户名或密码错误")]
    BadCredentials,
    #[error("登录失败次数过多，请 {minutes} 分钟后再试")]
    TooManyAttempts { minutes: i64 },
    #[error("您没有权限进行此操作")]
    Forbidden,
    #[error("未找到{0}")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    /// Something broke inside; the message is for logs only, never shown to users.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// A stable machine-readable code, part of the API contract.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } => "invalid_input",
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad_credentials",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::Forbidden => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::Internal(_) => "internal",
        }
    }

    /// One invalid field.
    pub fn field(field: &'static str, code: &'static str, message: impl Into<String>) -> AppError {
        let message = message.into();
        AppError::Invalid {
            message: message.clone(),
            fields: vec![FieldError {
                field: field.into(),
                code,
                message,
            }],
        }
    }

    /// Several invalid fields at once (a form reports all of them together).
    pub fn fields(fields: Vec<FieldError>) -> AppError {
        let message = match fields.as_slice() {
            [one] => one.message.clone(),
            many => format!("有 {} 处填写有误，请修改后重新提交", many.len()),
        };
        AppError::Invalid { message, fields }
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> AppError {
        match err {
            StoreError::NotFound(what) => AppError::NotFound(what_zh(what)),
            StoreError::Conflict(_) => AppError::Conflict("记录已存在，不能重复创建".into()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

fn what_zh(what: &'static str) -> &'static str {
    match what {
        "department" => "该部门",
        "hall" => "该服务大厅",
        "division" => "该行政区划",
        "account" => "该账号",
        "item_version" => "该事项版本",
        "item_draft" => "该事项草稿",
        "list_draft" => "该清单的草稿版本",
        _ => "该记录",
    }
}
