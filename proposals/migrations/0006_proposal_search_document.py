from django.db import migrations

from pbcity import search


class Migration(migrations.Migration):
    """The proposal search's bigram document and its GIN index (docs/decisions.md, "Search")."""

    dependencies = [
        ("proposals", "0005_proposers_follow_their_proposals"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="search_document",
            field=search.document_field(),
        ),
        search.fill_documents("proposals", "proposal", ("title", "location", "problem", "solution")),
        search.gin_index("proposals_proposal", "proposal_search_grams"),
    ]
