"""Serializers for form templates with their sections and questions (read only: templates change in the admin)."""

from rest_framework import serializers

from checklists.models import DataRule, FormTemplate, Question, Section
from checklists.services import QUESTION_FIELDS, RULE_FIELDS


class QuestionSerializer(serializers.ModelSerializer):
    shown_if_code = serializers.CharField(read_only=True, help_text="Shown only if this earlier question...")

    class Meta:
        model = Question
        fields = ["order", *QUESTION_FIELDS]
        read_only_fields = fields


class SectionSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "order", "title", "title_ru", "questions"]
        read_only_fields = fields


class DataRuleSerializer(serializers.ModelSerializer):
    """A data-quality rule: a form whose answers break `expression` is flagged with `code` (never refused)."""

    class Meta:
        model = DataRule
        fields = ["order", *RULE_FIELDS]
        read_only_fields = fields


class FormTemplateSerializer(serializers.ModelSerializer):
    mission = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    sections = SectionSerializer(many=True, read_only=True)
    rules = DataRuleSerializer(many=True, read_only=True)

    class Meta:
        model = FormTemplate
        fields = [
            "id",
            "mission",
            "kind",
            "version",
            "status",
            "title",
            "title_ru",
            "published_at",
            "sections",
            "rules",
        ]
        read_only_fields = fields
