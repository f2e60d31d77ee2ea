//! The life cycle of an item version: draft → in review → published → withdrawn. A published
//! version is immutable; only a draft may be edited.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Draft,
    InReview,
    Published,
    Withdrawn,
}

/// A transition that the life cycle does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{from_zh}的事项不能{action_zh}")]
pub struct LifecycleError {
    pub from: ItemStatus,
    pub from_zh: &'static str,
    pub action_zh: &'static str,
}

impl ItemStatus {
    pub fn code(self) -> &'static str {
        match self {
            ItemStatus::Draft => "draft",
            ItemStatus::InReview => "in_review",
            ItemStatus::Published => "published",
            ItemStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<ItemStatus> {
        match code {
            "draft" => Some(ItemStatus::Draft),
            "in_review" => Some(ItemStatus::InReview),
            "published" => Some(ItemStatus::Published),
            "withdrawn" => Some(ItemStatus::Withdrawn),
            _ => None,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ItemStatus::Draft => "草稿",
            ItemStatus::InReview => "审核中",
            ItemStatus::Published => "已发布",
            ItemStatus::Withdrawn => "已撤销",
        }
    }

    /// Only a draft's content may change.
    pub fn editable(self) -> bool {
        self == ItemStatus::Draft
    }

    pub fn submit_for_review(self) -> Result<ItemStatus, LifecycleError> {
        self.go(ItemStatus::Draft, ItemStatus::InReview, "提交审核")
    }

    pub fn publish(self) -> Result<ItemStatus, LifecycleError> {
        self.go(ItemStatus::InReview, ItemStatus::Published, "发布")
    }

    /// A reviewer sends a version back to its author.
    pub fn return_to_draft(self) -> Result<ItemStatus, LifecycleError> {
        self.go(ItemStatus::InReview, ItemStatus::Draft, "退回修改")
    }

    pub fn withdraw(self) -> Result<ItemStatus, LifecycleError> {
        self.go(ItemStatus::Published, ItemStatus::Withdrawn, "撤销")
    }

    fn go(
        self,
        from: ItemStatus,
        to: ItemStatus,
        action_zh: &'static str,
    ) -> Result<ItemStatus, LifecycleError> {
        if self == from {
            Ok(to)
        } else {
            Err(LifecycleError {
                from: self,
                from_zh: self.name_zh(),
                action_zh,
            })
        }
    }
}
